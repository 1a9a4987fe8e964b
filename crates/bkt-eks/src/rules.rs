//! Rules shared by the three modules' specs: the same regular expressions the Terraform
//! `validation` blocks use, and AWS's name limits.

use crate::{Error, Result};

/// The longest IAM role name AWS accepts.
pub const MAX_IAM_ROLE_NAME: usize = 64;

/// The pattern of IAM role and user ARNs the eks module admits as cluster admins.
pub(crate) const IAM_PRINCIPAL_ARN_PATTERN: &str = "^arn:aws[a-z-]*:iam::[0-9]{12}:(role|user)/.+$";

/// Whether `value` matches `pattern` as Terraform's `can(regex(pattern, value))` would.
///
/// Every pattern here is a constant that also goes into a `validation` block; one that would not
/// compile matches nothing (and the tests of each pattern catch it).
pub(crate) fn matches(pattern: &str, value: &str) -> bool {
    regex::Regex::new(pattern).is_ok_and(|regex| regex.is_match(value))
}

/// Checks an IAM role name as IAM does: 1 to 64 characters of letters, digits and `+=,.@_-`.
///
/// # Errors
/// [`Error::Invalid`] naming `field` otherwise.
pub fn check_iam_role_name(field: &str, name: &str) -> Result<()> {
    let allowed = |b: u8| b.is_ascii_alphanumeric() || b"+=,.@_-".contains(&b);
    if name.is_empty() || name.len() > MAX_IAM_ROLE_NAME || !name.bytes().all(allowed) {
        return Err(Error::invalid(
            field,
            name,
            "an IAM role name is 1 to 64 letters, digits and +=,.@_- characters; shorten the cluster name",
        ));
    }
    Ok(())
}

/// Checks a cluster name: a letter, then letters, digits and hyphens, at most `max` in all.
pub(crate) fn check_cluster_name(field: &str, name: &str, max: usize, why: &str) -> Result<()> {
    let bytes = name.as_bytes();
    let valid = (1..=max).contains(&bytes.len())
        && bytes.first().is_some_and(u8::is_ascii_alphabetic)
        && bytes
            .iter()
            .all(|b| b.is_ascii_alphanumeric() || *b == b'-');
    if valid {
        Ok(())
    } else {
        Err(Error::invalid(
            field,
            name,
            format!(
                "start with a letter and use only letters, digits and hyphens, at most {max} ({why}; e.g. bkt-dev)"
            ),
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn role_names_follow_iam() {
        assert!(check_iam_role_name("r", "bkt-dev-cluster").is_ok());
        for bad in ["", "has space", &"a".repeat(65)] {
            assert!(
                matches!(check_iam_role_name("r", bad), Err(Error::Invalid { ref field, .. }) if field == "r"),
                "{bad:?}"
            );
        }
    }

    #[test]
    fn principal_arns() {
        assert!(matches(
            IAM_PRINCIPAL_ARN_PATTERN,
            "arn:aws:iam::123456789012:role/platform-admin"
        ));
        assert!(!matches(IAM_PRINCIPAL_ARN_PATTERN, "platform-admin"));
    }
}
