use clap::Parser;

fn main() {
    // Transparent huge pages round the audit's many large, short-lived buffers up to 2 MB
    // pages: at 1M leads they added ~400 MB to peak memory (3.15 vs 2.76 GB) and no speed.
    #[cfg(target_os = "linux")]
    // SAFETY: PR_SET_THP_DISABLE only sets a flag of this process; the call has no
    // pointer arguments, and failing (an old kernel) leaves things as they were.
    unsafe {
        libc::prctl(libc::PR_SET_THP_DISABLE, 1, 0, 0, 0);
    }
    // A bug must still end as one `error:` line and exit code 2, never a backtrace.
    std::panic::set_hook(Box::new(|info| {
        let message = info
            .payload()
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| info.payload().downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "unknown panic".to_string());
        let place = info
            .location()
            .map(|l| format!(" at {}:{}", l.file(), l.line()))
            .unwrap_or_default();
        let message = message.lines().next().unwrap_or("");
        match leadaudit::ingest::file_being_read() {
            // A reader library gave up on this file: say which file, then what it said.
            Some(file) => eprintln!(
                "error: {file}: cannot read this file (the reader failed: {message}{place})"
            ),
            None => eprintln!("error: internal error (please report this bug): {message}{place}"),
        }
        std::process::exit(2);
    }));
    let cli = leadaudit::cli::Cli::parse();
    match leadaudit::cli::run(cli) {
        Ok(code) => std::process::exit(code),
        Err(err) => {
            eprintln!("error: {err}");
            std::process::exit(err.exit_code());
        }
    }
}
