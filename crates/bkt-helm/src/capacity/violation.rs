//! What the capacity check reports: the rule a workload breaks and the fix, on its own so the
//! crate's error can carry it without depending on the check.

use std::fmt;

/// A rule a workload breaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Rule {
    /// Not enough nodes for its required hostname anti-affinity.
    AntiAffinity,
    /// Stateful pods with no on-demand node to run on.
    OnDemand,
    /// No node matches its selector and tolerations.
    Selector,
    /// A pod fits no node (requests or pod slots).
    Requests,
}

impl Rule {
    /// The rule's name, as messages show it.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Self::AntiAffinity => "required hostname anti-affinity",
            Self::OnDemand => "stateful on on-demand capacity",
            Self::Selector => "node selector and tolerations",
            Self::Requests => "requests fit allocatable",
        }
    }
}

/// A workload that cannot be placed: which, by what rule, and the fix.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Violation {
    /// The workload (`vault`).
    pub workload: String,
    /// The rule it breaks.
    pub rule: Rule,
    /// What is wrong and how to fix it.
    pub message: String,
}

impl fmt::Display for Violation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.workload, self.message)
    }
}
