//! How the `xtask` binary itself is built: see `build.rs`.

/// The binary is linked at a fixed address on Linux, so the dynamic loader has no relocations to
/// apply to it at each start (`build.rs` says why). ELF's `e_type` is 2 (`ET_EXEC`) for such an
/// executable and 3 (`ET_DYN`) for a position-independent one.
#[cfg(target_os = "linux")]
#[test]
fn xtask_is_linked_at_a_fixed_address() {
    let binary = std::fs::read(env!("CARGO_BIN_EXE_xtask")).expect("the xtask binary is readable");
    assert_eq!(&binary[..4], b"\x7fELF", "xtask is an ELF file");
    let e_type = u16::from_le_bytes([binary[16], binary[17]]);
    assert_eq!(
        e_type, 2,
        "xtask is ET_EXEC, not a position-independent executable"
    );
}
