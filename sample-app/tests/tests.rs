//! Integration tests, one binary: the stores against real `MariaDB` and `FerretDB` servers, and the
//! built `sample-app` binary run as a process (signals, files, exit codes).

mod process;
mod stores;
mod support;
