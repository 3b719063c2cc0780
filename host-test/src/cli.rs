//! The command line, as clap parses it.

mod values;

use std::path::PathBuf;
use std::time::Duration;

use clap::{Args, Parser, Subcommand, ValueEnum};

pub use values::MAX_DEPTH;

/// Runs the "AWS Lambda Function Deletion" detection rule, compiled to a WebAssembly
/// component, over CloudTrail events in a wasmtime sandbox.
#[derive(Debug, Parser)]
#[command(name = "rule-host", version)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,

    /// Print only alerts and errors: no summary, no warnings, no progress bar. Default:
    /// all of them, the bar only when stderr is a terminal.
    #[arg(short, long, global = true, conflicts_with = "verbose")]
    pub quiet: bool,

    /// Print diagnostics on stderr; repeat for more detail. RUST_LOG overrides this.
    /// Default: warnings and errors only.
    #[arg(short, long, global = true, action = clap::ArgAction::Count)]
    pub verbose: u8,
}

impl Cli {
    /// Parses the command line as [`Parser::parse`] does, and also exits with a usage error
    /// (status 2) for what clap cannot check on its own: standard input named twice.
    pub fn parse_checked() -> Cli {
        let cli = Cli::parse();
        if let Err(error) = cli.check() {
            error.exit();
        }
        cli
    }

    /// Rejects a second `-` path, since the first one reads standard input to its end and
    /// the second would silently read nothing.
    pub fn check(&self) -> Result<(), clap::Error> {
        let paths = match &self.command {
            Command::Scan(args) => &args.paths,
            Command::Explain(args) => &args.paths,
            Command::Info(_) => return Ok(()),
        };
        let stdin_count = paths.iter().filter(|path| path.as_os_str() == "-").count();
        if stdin_count < 2 {
            return Ok(());
        }

        use clap::CommandFactory;
        let message = format!(
            "the path `-` (standard input) is given {stdin_count} times; give it once, since \
             standard input can be read only once"
        );
        Err(Cli::command().error(clap::error::ErrorKind::ArgumentConflict, message))
    }
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Scan files, directories or standard input and print the alerts, by default one JSON
    /// document per line.
    Scan(ScanArgs),
    /// Print the rule's metadata, read from the component.
    Info(InfoArgs),
    /// Explain for each event why it does or does not raise an alert.
    Explain(ExplainArgs),
}

#[derive(Debug, Args)]
pub struct ScanArgs {
    /// Files or directories to scan (directories recursively, in sorted order); `-` or
    /// nothing reads standard input. NDJSON, CloudTrail log files and gzip are recognised.
    #[arg(value_name = "PATH")]
    pub paths: Vec<PathBuf>,

    /// JSON configuration document for the detector (exceptions, alert cap, replay
    /// detection, pinned processing time). Default: `{}`, every default.
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,

    /// Write the counts as a JSON object to FILE. Default: no file.
    #[arg(long, value_name = "FILE")]
    pub stats: Option<PathBuf>,

    /// Shape of the events; sets the config's `input_format`. Default: auto, detected per
    /// event.
    #[arg(long = "input", value_name = "FORMAT", value_enum)]
    pub input_format: Option<InputFormat>,

    /// Output format of the alerts.
    #[arg(long, value_name = "FORMAT", value_enum, default_value_t = OutputFormat::Ndjson)]
    pub format: OutputFormat,

    /// Elasticsearch index named in each action of `--format es-bulk`; it must be a valid
    /// index name (lowercase, at most 255 bytes, no date math). Default: none, so the index
    /// in the _bulk request's URL applies.
    #[arg(long, value_name = "NAME", value_parser = values::index_name)]
    pub index: Option<String>,

    /// Print an explanation of each event instead of alerts, as `rule-host explain` does.
    /// Default: off, alerts are printed.
    #[arg(long, conflicts_with_all = ["format", "index", "stats"])]
    pub explain: bool,

    /// Largest event, in bytes (suffixes KiB, MiB, GiB; 1 byte to 4GiB), the host and the
    /// component accept. Default: the config's `max_event_bytes`, else 1MiB.
    #[arg(long, value_name = "SIZE", value_parser = values::event_size)]
    pub max_event_bytes: Option<u64>,

    /// Deepest nesting of JSON arrays and objects in an event the component accepts (1 to
    /// 127). Default: the config's `max_depth`, else 64.
    #[arg(long, value_name = "LEVELS", value_parser = values::depth)]
    pub max_depth: Option<u32>,

    /// Read the input on the thread that runs the component, so the scan uses one core.
    /// Default: off, so a second thread reads, decompresses and splits the input while the
    /// component evaluates the events before it.
    #[arg(long, conflicts_with = "explain")]
    pub single_thread: bool,

    #[command(flatten)]
    pub component: ComponentArgs,

    #[command(flatten)]
    pub sandbox: SandboxArgs,
}

#[derive(Debug, Args)]
pub struct ExplainArgs {
    /// Files or directories to read (directories recursively, in sorted order); `-` or
    /// nothing reads standard input. NDJSON, CloudTrail log files and gzip are recognised.
    #[arg(value_name = "PATH")]
    pub paths: Vec<PathBuf>,

    /// JSON configuration document for the detector, whose exceptions and input format
    /// the explanations apply. Default: `{}`, every default.
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,

    /// Shape of the events; sets the config's `input_format`. Default: auto, detected per
    /// event.
    #[arg(long = "input", value_name = "FORMAT", value_enum)]
    pub input_format: Option<InputFormat>,

    /// Largest event, in bytes (suffixes KiB, MiB, GiB; 1 byte to 4GiB), the host and the
    /// component accept. Default: the config's `max_event_bytes`, else 1MiB.
    #[arg(long, value_name = "SIZE", value_parser = values::event_size)]
    pub max_event_bytes: Option<u64>,

    /// Deepest nesting of JSON arrays and objects in an event the component accepts (1 to
    /// 127). Default: the config's `max_depth`, else 64.
    #[arg(long, value_name = "LEVELS", value_parser = values::depth)]
    pub max_depth: Option<u32>,

    /// Print the component's JSON explanation, one per line, instead of text. Default:
    /// text.
    #[arg(long)]
    pub json: bool,

    #[command(flatten)]
    pub component: ComponentArgs,

    #[command(flatten)]
    pub sandbox: SandboxArgs,
}

#[derive(Debug, Args)]
pub struct InfoArgs {
    /// Print one JSON object instead of text. Default: text.
    #[arg(long)]
    pub json: bool,

    #[command(flatten)]
    pub component: ComponentArgs,
}

/// The component to run, and the cache of its compiled form.
#[derive(Debug, Args)]
pub struct ComponentArgs {
    /// WebAssembly component of the detection-rule world to run. Default: the rule
    /// component built into this binary.
    #[arg(long, value_name = "FILE")]
    pub component: Option<PathBuf>,

    /// Directory of compiled components. Default: $XDG_CACHE_HOME/rule-host, else
    /// ~/.cache/rule-host.
    #[arg(long, value_name = "DIR")]
    pub cache_dir: Option<PathBuf>,

    /// Compile the component on every run instead of using the cache. Default: off, the
    /// cache is used.
    #[arg(long, conflicts_with = "cache_dir")]
    pub no_cache: bool,
}

/// Limits on each component instance and call.
#[derive(Debug, Args)]
pub struct SandboxArgs {
    /// Most linear memory one component instance may use (suffixes KiB, MiB, GiB; 64KiB to
    /// 4GiB).
    #[arg(long, value_name = "SIZE", value_parser = values::memory_size, default_value = "64MiB")]
    pub max_memory: u64,

    /// Most wall-clock time one call into the component may take, for example 500ms or
    /// 2s (1ms to 86400s). A batch of up to 256 events is one call.
    #[arg(long, value_name = "DURATION", value_parser = values::timeout, default_value = "1s")]
    pub timeout: Duration,

    /// Fuel (roughly, WebAssembly instructions) one call may use; a deterministic limit
    /// for tests. Under it each event goes to the component in a call of its own, so the
    /// limit applies to each event alone. Default: no fuel limit.
    #[arg(long, value_name = "N", value_parser = values::fuel)]
    pub fuel: Option<u64>,
}

/// The event shapes the component accepts, by the names its config uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum InputFormat {
    Auto,
    Cloudtrail,
    Eventbridge,
    CloudwatchLogs,
    LookupEvents,
    Ecs,
    Ocsf,
}

impl InputFormat {
    /// Returns the value of the config's `input_format` key.
    pub fn config_name(self) -> &'static str {
        match self {
            InputFormat::Auto => "auto",
            InputFormat::Cloudtrail => "cloudtrail",
            InputFormat::Eventbridge => "eventbridge",
            InputFormat::CloudwatchLogs => "cloudwatch-logs",
            InputFormat::LookupEvents => "lookup-events",
            InputFormat::Ecs => "ecs",
            InputFormat::Ocsf => "ocsf",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum OutputFormat {
    /// One alert document per line, as JSON.
    Ndjson,
    /// A table for reading: time, actor, function, source, account, region, reason.
    Pretty,
    /// Action and document line pairs for Elasticsearch's _bulk API, with
    /// kibana.alert.uuid as the id.
    EsBulk,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cli_definition_is_consistent() {
        use clap::CommandFactory;
        Cli::command().debug_assert();
    }

    #[test]
    fn repeated_stdin_path_is_rejected() {
        let cases: [(&[&str], bool); 6] = [
            (&["rule-host", "scan"], true),
            (&["rule-host", "scan", "-"], true),
            (&["rule-host", "scan", "-", "a.json", "./-"], true),
            (&["rule-host", "scan", "-", "a.json", "-"], false),
            (&["rule-host", "explain", "-", "-"], false),
            (&["rule-host", "info"], true),
        ];
        for (args, accepted) in cases {
            let cli = Cli::try_parse_from(args).expect("parsed");
            assert_eq!(cli.check().is_ok(), accepted, "{args:?}");
        }
    }
}
