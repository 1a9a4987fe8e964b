//! The one place the Flux `${VAR}` substitution syntax is written (tidy exempts this file).

use std::fmt;

/// A Flux post-build substitution of one cluster var: written as `${KEY}`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Substitution(pub(crate) &'static str);

impl Substitution {
    /// The key, for example `CLUSTER_NAME`.
    #[must_use]
    pub fn key(self) -> &'static str {
        self.0
    }
}

impl fmt::Display for Substitution {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "${{{}}}", self.0)
    }
}
