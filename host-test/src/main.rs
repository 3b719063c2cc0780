//! `rule-host`: the command-line entry point.

use std::io::IsTerminal;
use std::process::ExitCode;

use tracing_subscriber::EnvFilter;

use rule_host::cli::{Cli, Command};
use rule_host::commands::{self, Status};

fn main() -> ExitCode {
    let cli = Cli::parse_checked();
    init_tracing(&cli);

    let result = match &cli.command {
        Command::Scan(args) => commands::scan(args, cli.quiet),
        Command::Info(args) => commands::info(args),
        Command::Explain(args) => commands::explain(args),
    };
    let status = result.unwrap_or_else(|error| {
        eprintln!("rule-host: error: {error:#}");
        Status::Failed
    });
    ExitCode::from(status as u8)
}

/// Sends diagnostics to stderr. `RUST_LOG` wins over `--quiet` and `--verbose`.
fn init_tracing(cli: &Cli) {
    let default_level = match (cli.quiet, cli.verbose) {
        (true, _) => "error",
        (false, 0) => "warn",
        (false, 1) => "info",
        (false, 2) => "debug",
        (false, _) => "trace",
    };
    let filter =
        EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new(default_level));
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(std::io::stderr().is_terminal())
        .with_target(false)
        .init();
}
