//! Links the `cargo xtask` binary as a position-dependent executable on Linux.
//!
//! A position-independent executable is relocated by the dynamic loader at every start: the dev
//! build of xtask carries about 43,000 relative relocations (1 MiB of `.rela.dyn`), and applying
//! them writes to some 170 pages of `.data.rel.ro` and `.got`, each a copy-on-write page fault.
//! That was a tenth of a `cargo xtask codegen` run on the seed (about 0.4 ms of 6). Linked at a
//! fixed address, the relocations are resolved by the linker instead and the binary starts without
//! them. xtask runs only on developers' machines and CI, so giving up address randomization for
//! its code costs nothing that matters; the libraries it loads are still randomized.
//!
//! Only the `xtask` binary is affected (`rustc-link-arg-bins`): its tests and the libraries are
//! linked as before. `-no-pie` is understood by the C compiler drivers rustc links through (gcc
//! and clang) and by lld and GNU ld when one is called directly.

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    if std::env::var("CARGO_CFG_TARGET_OS").as_deref() == Ok("linux") {
        println!("cargo:rustc-link-arg-bins=-no-pie");
    }
}
