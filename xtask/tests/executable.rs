//! How the `xtask` binary itself is built: see `build.rs`.

/// The binary is linked at a fixed address on Linux with glibc, so the dynamic loader has no
/// relocations to apply to it at each start (`build.rs` says why). ELF's `e_type` is 2
/// (`ET_EXEC`) for such an executable and 3 (`ET_DYN`) for a position-independent one.
#[cfg(all(
    target_os = "linux",
    target_env = "gnu",
    not(target_feature = "crt-static")
))]
#[test]
fn xtask_is_linked_at_a_fixed_address() {
    use std::io::Read as _;

    let mut header = [0_u8; 18];
    std::fs::File::open(env!("CARGO_BIN_EXE_xtask"))
        .and_then(|mut binary| binary.read_exact(&mut header))
        .expect("the xtask binary has an ELF header");
    assert_eq!(&header[..4], b"\x7fELF", "xtask is an ELF file");
    // Byte 5 (EI_DATA) says how the header's numbers are written: 1 little-endian, 2 big-endian.
    let e_type = match header[5] {
        1 => u16::from_le_bytes([header[16], header[17]]),
        2 => u16::from_be_bytes([header[16], header[17]]),
        other => panic!("xtask's ELF header has an unknown byte order {other}"),
    };
    assert_eq!(
        e_type, 2,
        "xtask is ET_EXEC, not a position-independent executable"
    );
}
