//! glibc's allocator, set for a process that lives a few milliseconds.
//!
//! glibc's `malloc` is tuned for long-running programs:
//! - the main heap grows by `brk` 128 KiB past each request, and each thread's heap starts at
//!   what its first request needs and grows by `mprotect`, one request at a time;
//! - blocks of 128 KiB and more get an `mmap` of their own, unmapped on `free` (the threshold
//!   rises once such a block is freed);
//! - free memory at the top of a heap goes back to the kernel.
//!
//! A `cargo xtask codegen` run allocates and frees a few megabytes in a few milliseconds on
//! three threads, so each of those is a system call, and each page handed back is faulted in
//! again, zeroed, by the next allocation. With the settings below, on the seed: 50 to 74
//! `mprotect` calls become 11, page faults fall by about 80 (of some 590), and the run takes
//! 0.3 ms (5%) less (301 alternating runs of one binary with and without the settings, given as
//! `GLIBC_TUNABLES`).
//!
//! Other allocators were measured instead: mimalloc took 8.7 ms where glibc took 5.8 ms (it
//! faults fewer pages but spends far more time in the kernel), jemalloc 9.6 ms where glibc took
//! 6.0 ms, and one arena for all threads (`M_ARENA_MAX` 1) was slower from lock contention.
//!
//! These are settings, not a mechanism: `mallopt` changes glibc's parameters, nothing else. A
//! developer's own malloc settings in the environment (`GLIBC_TUNABLES`, `MALLOC_*_`) win. On
//! other platforms, C libraries and 32-bit targets this module does nothing.

#[cfg(all(target_os = "linux", target_env = "gnu", target_pointer_width = "64"))]
pub(crate) use glibc::tune_for_a_short_run;

/// The settings for glibc on 64-bit Linux (on 32-bit targets glibc caps the `mmap` threshold at
/// 512 KiB).
#[cfg(all(target_os = "linux", target_env = "gnu", target_pointer_width = "64"))]
mod glibc {
    /// Start each thread's heap, and grow the main one, this much past a request (glibc: 128 KiB).
    const TOP_PAD: libc::c_int = 4 << 20;
    /// Keep up to this much free memory at the top of a heap (glibc: 128 KiB).
    const TRIM_THRESHOLD: libc::c_int = 256 << 20;
    /// Serve blocks below this size from the heaps (glibc: 128 KiB, rising; 32 MiB is its
    /// maximum on 64-bit targets).
    const MMAP_THRESHOLD: libc::c_int = 32 << 20;

    /// Sets glibc's allocator for a short run, unless the environment already sets it; false
    /// when glibc refused a setting (it then keeps its default, which is still correct, only
    /// slower).
    ///
    /// Call it first thing in `main`, before any other thread exists: glibc reads these
    /// parameters in every thread without a lock.
    pub(crate) fn tune_for_a_short_run() -> bool {
        if set_by_environment() {
            return true;
        }
        let mut all_taken = true;
        for (parameter, value) in [
            (libc::M_TOP_PAD, TOP_PAD),
            (libc::M_TRIM_THRESHOLD, TRIM_THRESHOLD),
            (libc::M_MMAP_THRESHOLD, MMAP_THRESHOLD),
        ] {
            // SAFETY: `mallopt` takes two integers and touches no memory of ours: it initializes
            // the allocator if needed, consolidates the main heap's free chunks and stores the
            // parameter, under the main heap's lock. Other threads read the parameters without
            // that lock, so this runs before any exists (see above). It returns 1 when it took
            // the value.
            #[expect(unsafe_code, reason = "the one way to set glibc's malloc parameters")]
            let taken = unsafe { libc::mallopt(parameter, value) } == 1;
            all_taken &= taken;
        }
        all_taken
    }

    /// Whether the developer set glibc's malloc parameters through the environment.
    fn set_by_environment() -> bool {
        std::env::var_os("GLIBC_TUNABLES")
            .is_some_and(|tunables| tunables.to_string_lossy().contains("glibc.malloc."))
            || std::env::vars_os().any(|(name, _)| {
                let name = name.to_string_lossy();
                name.starts_with("MALLOC_") && name.ends_with('_')
            })
    }

    #[cfg(test)]
    mod tests {
        /// Bytes in blocks glibc mapped on their own (`mmap`) rather than carved from a heap.
        fn mapped_bytes() -> libc::c_int {
            // SAFETY: `mallinfo` only reads the allocator's statistics into the struct it
            // returns. (`mallinfo2`, with wider fields, needs glibc 2.33; a megabyte fits a
            // `c_int`.)
            #[expect(unsafe_code, reason = "the one way to read glibc's malloc statistics")]
            let info = unsafe { libc::mallinfo() };
            info.hblkhd
        }

        /// Without the settings, glibc maps a block of 1 MiB on its own (its threshold starts
        /// at 128 KiB), and the pages come back zeroed, faulted in again, for the next one.
        ///
        /// This is the only test of the binary's unit tests, so while it runs the test
        /// harness's main thread only waits for it: the settings are made with no other thread
        /// allocating, as in `main`.
        #[test]
        fn a_megabyte_comes_from_a_heap() {
            if super::set_by_environment() {
                eprintln!("skipped: the environment sets glibc's malloc parameters");
                return;
            }
            assert!(super::tune_for_a_short_run());
            let before = mapped_bytes();
            let block = std::hint::black_box(vec![1_u8; 1 << 20]);
            let during = mapped_bytes();
            drop(block);
            assert_eq!(during, before, "a 1 MiB block was mapped on its own");
        }
    }
}

/// Sets the allocator for a short run: nothing to set outside 64-bit glibc.
#[cfg(not(all(target_os = "linux", target_env = "gnu", target_pointer_width = "64")))]
pub(crate) fn tune_for_a_short_run() -> bool {
    true
}
