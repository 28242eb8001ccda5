//! Links the `cargo xtask` binary as a position-dependent executable on Linux with glibc.
//!
//! A position-independent executable is relocated by the dynamic loader at every start: the dev
//! build of xtask carries about 43,000 relative relocations (1 MiB of `.rela.dyn`), and applying
//! them writes to some 170 pages of `.data.rel.ro` and `.got`, each a copy-on-write page fault.
//! That was about 0.4 ms of a 6 ms `cargo xtask codegen` run on the seed. Linked at a fixed
//! address, the relocations are resolved by the linker instead and the binary starts without
//! them. xtask runs only on developers' machines and CI, so giving up address randomization for
//! its code costs nothing that matters; the libraries it loads are still randomized.
//!
//! Only the `xtask` binary and its unit-test harness are affected (`rustc-link-arg-bins`); the
//! library and the integration tests are linked as before. `-no-pie` is an option of the C
//! compiler drivers rustc links through (gcc and clang), whichever linker they run. Targets that
//! link statically (musl, or `crt-static`) are left alone: rustc links them `-static-pie`, which
//! `-no-pie` would override.

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    let target_is = |key: &str, value: &str| std::env::var(key).as_deref() == Ok(value);
    let static_crt = std::env::var("CARGO_CFG_TARGET_FEATURE")
        .is_ok_and(|features| features.split(',').any(|feature| feature == "crt-static"));
    if target_is("CARGO_CFG_TARGET_OS", "linux")
        && target_is("CARGO_CFG_TARGET_ENV", "gnu")
        && !static_crt
    {
        println!("cargo:rustc-link-arg-bins=-no-pie");
    }
}
