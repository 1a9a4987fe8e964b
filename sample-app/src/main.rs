//! `sample-app`: parses the configuration, sets up JSON logs and signal handling, and runs the
//! service (see the `sample_app` library).

use std::process::ExitCode;

use sample_app::config::{self, Command};
use sample_app::logging::{self, Sink};

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let config = match config::parse(&args, |key| std::env::var(key).ok()) {
        Ok(Command::Run(config)) => config,
        Ok(Command::Version) => {
            println!("{}", sample_app::VERSION);
            return ExitCode::SUCCESS;
        }
        Ok(Command::Help) => {
            print!("{}", config::usage());
            return ExitCode::SUCCESS;
        }
        Err(err) => {
            for problem in &err.0 {
                eprintln!("sample-app: {problem}");
            }
            return ExitCode::from(2);
        }
    };
    if let Err(err) =
        tracing::subscriber::set_global_default(logging::subscriber(config.log_level, Sink::Stdout))
    {
        eprintln!("sample-app: logging: {err}");
        return ExitCode::FAILURE;
    }
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(err) => {
            tracing::error!(error = %err, "exiting: cannot start the async runtime");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(sample_app::app::run(
        *config,
        sample_app::app::termination(),
    )) {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            tracing::error!(error = %err, "exiting");
            ExitCode::FAILURE
        }
    }
}
