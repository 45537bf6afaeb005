//! The command line: arguments in, a command run, an exit status out.
//!
//! Exit status: 0 success, 1 the project has errors (each printed as a diagnostic, sorted
//! by file and line), 2 the command was used wrongly.

use std::path::PathBuf;

use clap::{Parser, Subcommand};

use crate::error::Error;

/// folio: build data-driven research reports as static sites.
#[derive(Debug, Parser)]
#[command(name = "folio", version, about)]
pub struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Build the site into public/ (or --out).
    Build {
        /// The project directory.
        #[arg(long, default_value = ".")]
        root: PathBuf,
        /// Where to write the site.
        #[arg(long)]
        out: Option<PathBuf>,
        /// Override base_url of folio.toml, e.g. https://user.github.io/repo/.
        #[arg(long)]
        base_url: Option<String>,
        /// Fail instead of adding entries to folio.lock (for CI).
        #[arg(long)]
        locked: bool,
        /// Print nothing but errors.
        #[arg(long, short, conflicts_with = "verbose")]
        quiet: bool,
        /// Print each stage as it ends, and what was written.
        #[arg(long, short)]
        verbose: bool,
        /// Print the time and peak memory of each stage.
        #[arg(long)]
        timings: bool,
        /// Make figures, bundles, references and search afresh: use no render cache.
        #[arg(long)]
        no_cache: bool,
    },
    /// Check everything build checks, and every internal link; write nothing.
    Check {
        /// The project directory.
        #[arg(long, default_value = ".")]
        root: PathBuf,
        /// Check links as if published at this URL, e.g. https://user.github.io/repo/.
        #[arg(long)]
        base_url: Option<String>,
        /// Make figures, bundles, references and search afresh: use no render cache.
        #[arg(long)]
        no_cache: bool,
    },
    /// Serve the site on 127.0.0.1 with live reload while you edit.
    Serve {
        /// The project directory.
        #[arg(long, default_value = ".")]
        root: PathBuf,
        /// The port.
        #[arg(long, default_value_t = 1111)]
        port: u16,
        /// Make figures, bundles, references and search afresh: use no render cache.
        #[arg(long)]
        no_cache: bool,
    },
    /// Print the citation of a figure version.
    Cite {
        /// The figure's id, optionally with a version: download-share@v1.
        figure: String,
        /// apa, bibtex, csl-json or ris.
        #[arg(long, default_value = "apa")]
        format: crate::cite::Format,
        /// The project directory.
        #[arg(long, default_value = ".")]
        root: PathBuf,
    },
    /// Start a new report in DIR (default: this directory), which must be new or empty.
    Init {
        /// Where to create the report.
        #[arg(default_value = ".")]
        dir: PathBuf,
        /// The report's title (asked for when standard input is a terminal; else taken from
        /// the directory's name).
        #[arg(long)]
        title: Option<String>,
    },
    /// Publish and list dataset snapshots.
    Data {
        #[command(subcommand)]
        command: DataCommand,
    },
}

#[derive(Debug, Subcommand)]
enum DataCommand {
    /// Import a CSV file as a new, immutable version of a dataset, and lock it.
    Add {
        /// The dataset (its directory under data/ must hold a dataset.toml).
        dataset: String,
        /// The CSV file to import.
        file: PathBuf,
        /// The new version: an ISO date (2025-11-27) or v<N>.
        #[arg(long)]
        version: String,
        /// When the data was retrieved from its source (YYYY-MM-DD).
        #[arg(long)]
        retrieved: Option<String>,
        /// Notes on this version.
        #[arg(long)]
        notes: Option<String>,
        /// The project directory.
        #[arg(long, default_value = ".")]
        root: PathBuf,
    },
    /// List datasets, versions, row counts and checksums.
    List {
        /// The project directory.
        #[arg(long, default_value = ".")]
        root: PathBuf,
    },
}

/// Runs the command line and returns the process exit status.
pub fn run() -> i32 {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            return if e.use_stderr() { 2 } else { 0 };
        }
    };
    match execute(cli) {
        Ok(()) => 0,
        Err(e) => {
            report(&e);
            e.exit_code()
        }
    }
}

fn execute(cli: Cli) -> Result<(), Error> {
    match cli.command {
        Command::Build {
            root,
            out,
            base_url,
            locked,
            quiet,
            verbose,
            timings,
            no_cache,
        } => {
            let summary = crate::build(&crate::Options {
                root,
                out,
                base_url,
                locked,
                progress: verbose,
                cache: !no_cache,
                search: true,
                today: today()?,
            })?;
            if quiet {
                return Ok(());
            }
            for note in &summary.notes {
                println!("{note}");
            }
            if verbose || timings {
                for t in &summary.timings {
                    let memory = t
                        .peak_kib
                        .map(|kib| format!(", peak memory {} MiB", kib / 1024))
                        .unwrap_or_default();
                    println!("{:>16}: {:>6} ms{memory}", t.stage, t.time.as_millis());
                }
            }
            println!("{summary}");
        }
        Command::Check {
            root,
            base_url,
            no_cache,
        } => {
            let (summary, external) = crate::commands::check(&crate::Options {
                root,
                out: None,
                base_url,
                locked: false,
                progress: false,
                cache: !no_cache,
                search: true,
                today: today()?,
            })?;
            for note in &summary.notes {
                println!("would have {note}");
            }
            for url in &external {
                println!("external link (not checked): {url}");
            }
            println!(
                "checked {} pages, {} figures, {} datasets and every internal link: no problems found",
                summary.pages, summary.figures, summary.datasets
            );
        }
        Command::Data {
            command:
                DataCommand::Add {
                    dataset,
                    file,
                    version,
                    retrieved,
                    notes,
                    root,
                },
        } => {
            let line = crate::commands::add_snapshot(&crate::commands::NewSnapshot {
                root,
                dataset,
                file,
                version,
                retrieved,
                notes,
                today: today()?,
            })?;
            println!("{line}");
        }
        Command::Data {
            command: DataCommand::List { root },
        } => print!("{}", crate::commands::list_data(&root)?),
        Command::Init { dir, title } => {
            let title = match title {
                Some(title) => title,
                None => ask_title(&dir)?,
            };
            println!(
                "{}",
                crate::commands::init::init(&crate::commands::init::NewReport {
                    dir,
                    title,
                    today: today()?,
                })?
            );
        }
        Command::Serve {
            root,
            port,
            no_cache,
        } => crate::serve::serve(&root, port, !no_cache)?,
        Command::Cite {
            figure,
            format,
            root,
        } => {
            let text = crate::commands::cite(&root, &figure, format)?;
            print!("{text}");
            if !text.ends_with('\n') {
                println!();
            }
        }
    }
    Ok(())
}

/// The title of a new report: asked for on a terminal (Enter keeps the one made from the
/// directory's name), else made from the directory's name.
fn ask_title(dir: &std::path::Path) -> Result<String, Error> {
    use std::io::{BufRead, IsTerminal, Write};
    let default = crate::commands::init::default_title(dir);
    if !std::io::stdin().is_terminal() {
        return Ok(default);
    }
    print!("Title of the report [{default}]: ");
    std::io::stdout().flush().ok();
    let mut line = String::new();
    std::io::stdin()
        .lock()
        .read_line(&mut line)
        .map_err(|source| Error::Io {
            action: "read",
            path: "standard input".into(),
            source,
        })?;
    let line = line.trim();
    Ok(if line.is_empty() {
        default
    } else {
        line.to_string()
    })
}

/// The date this run publishes under: from `SOURCE_DATE_EPOCH` when set, else today's.
fn today() -> Result<String, Error> {
    crate::lock::today().map_err(Error::Usage)
}

/// Prints an error to stderr: every diagnostic, or the error and its causes.
fn report(error: &Error) {
    match error {
        Error::Content(diagnostics) => {
            for d in diagnostics {
                eprintln!("{d}");
            }
            eprintln!(
                "error: could not build: {} problem{} found; nothing was written",
                diagnostics.len(),
                if diagnostics.len() == 1 { "" } else { "s" }
            );
        }
        other => {
            eprintln!("error: {other}");
            let mut source = std::error::Error::source(other);
            while let Some(cause) = source {
                eprintln!("caused by: {cause}");
                source = cause.source();
            }
        }
    }
}
