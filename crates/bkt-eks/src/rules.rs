//! Rules shared by the three modules' specs: the pieces of the hand-written matchers of the
//! regular expressions the Terraform `validation` blocks use, and AWS's name limits.
//!
//! Each pattern constant has a matcher function next to it that checks the same language byte by
//! byte, so that the crate needs no regular-expression engine at run time (its users, `build.rs`
//! scripts among them, compile faster); the crate's tests prove each matcher equal to the
//! `regex` crate on the constant.

use crate::{Error, Result};

/// The longest IAM role name AWS accepts.
pub const MAX_IAM_ROLE_NAME: usize = 64;

/// The pattern of IAM role and user ARNs the eks module admits as cluster admins.
pub(crate) const IAM_PRINCIPAL_ARN_PATTERN: &str = "^arn:aws[a-z-]*:iam::[0-9]{12}:(role|user)/.+$";

/// Whether `value` matches [`IAM_PRINCIPAL_ARN_PATTERN`],
/// `^arn:aws[a-z-]*:iam::[0-9]{12}:(role|user)/.+$`, as the `validation` block does.
pub(crate) fn matches_iam_principal_arn_pattern(value: &str) -> bool {
    let Some(rest) = strip_arn_partition(value.as_bytes())
        .and_then(|rest| rest.strip_prefix(b"iam::"))
        .and_then(strip_account_id)
        .and_then(|rest| rest.strip_prefix(b":"))
    else {
        return false;
    };
    rest.strip_prefix(b"role/")
        .or_else(|| rest.strip_prefix(b"user/"))
        .is_some_and(is_rest_of_line)
}

/// Strips `arn:aws[a-z-]*:` (the ARN's partition: `aws`, `aws-cn`, `aws-us-gov`, …) from the start
/// of `value`; `None` when it does not start so.
///
/// `[a-z-]` excludes `:`, so the longest run of partition bytes is the only one a regular
/// expression could take.
pub(crate) fn strip_arn_partition(value: &[u8]) -> Option<&[u8]> {
    let rest = value.strip_prefix(b"arn:aws")?;
    let partition = rest
        .iter()
        .take_while(|b| b.is_ascii_lowercase() || **b == b'-')
        .count();
    rest.get(partition..)?.strip_prefix(b":")
}

/// Strips an AWS account ID, `[0-9]{12}`, from the start of `value`.
pub(crate) fn strip_account_id(value: &[u8]) -> Option<&[u8]> {
    let (account, rest) = value.split_at_checked(12)?;
    account.iter().all(u8::is_ascii_digit).then_some(rest)
}

/// Strips `[0-9]+` from the start of `value`: `None` without a leading digit.
///
/// Greedy, as a regular expression is; every caller's next byte is not a digit, so the longest run
/// is the only one that could match.
pub(crate) fn strip_digits(value: &[u8]) -> Option<&[u8]> {
    let digits = value.iter().take_while(|b| b.is_ascii_digit()).count();
    if digits == 0 {
        None
    } else {
        value.get(digits..)
    }
}

/// Whether `rest` matches `.+$`: at least one character, none of them a newline (`.` matches any
/// character but `\n`; `$` is the end of the text).
pub(crate) fn is_rest_of_line(rest: &[u8]) -> bool {
    !rest.is_empty() && !rest.contains(&b'\n')
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
                "start with a letter and use only letters, digits and hyphens, at most {max} ({why}; e.g. acme-dev)"
            ),
        ))
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use proptest::prelude::*;
    use proptest::string::string_regex;

    use super::*;

    /// Whether `value` matches `pattern` by the `regex` crate: the oracle each hand-written
    /// matcher is proved equal to.
    pub(crate) fn regex_matches(pattern: &str, value: &str) -> bool {
        regex::Regex::new(pattern)
            .expect("every pattern constant compiles")
            .is_match(value)
    }

    /// The strategy of one regular expression (of proptest's generator syntax).
    fn strings(regex: &str) -> BoxedStrategy<String> {
        string_regex(regex)
            .expect("every generator expression compiles")
            .boxed()
    }

    /// Strings near a pattern's language: `pieces` in order, each `(valid, near_miss)` a pair of
    /// generator expressions, the valid one five times in six. A quarter to two thirds of the
    /// strings match (by pattern), and most of the others miss in one place only, which is where
    /// a hand-written matcher would go wrong.
    pub(crate) fn near_valid(pieces: &[(&str, &str)]) -> impl Strategy<Value = String> {
        pieces
            .iter()
            .map(|(valid, near_miss)| prop_oneof![5 => strings(valid), 1 => strings(near_miss)])
            .collect::<Vec<_>>()
            .prop_map(|pieces| pieces.concat())
    }

    /// Arbitrary strings (any characters, newlines among them), and strings of the pattern's
    /// own `alphabet` (a character-class body) with newlines.
    pub(crate) fn arbitrary(alphabet: &str) -> impl Strategy<Value = String> {
        prop_oneof![
            strings("(?s:.){0,80}"),
            strings(&["[\\n", alphabet, "]{0,80}"].concat()),
        ]
    }

    /// The pieces of `^arn:aws[a-z-]*:` that every ARN pattern starts with, and near misses of
    /// each.
    pub(crate) const ARN_PARTITION_PIECES: [(&str, &str); 3] = [
        ("arn:", "|arn|ARN:|arn::| arn:"),
        ("aws", "|aw|AWS|aws:|x"),
        ("|[a-z-]{1,10}", "[a-zA-Z0-9_:/-]{1,4}|\\n|é"),
    ];

    /// `[0-9]{12}`, and near misses (other lengths, a non-digit inside, non-ASCII digits).
    pub(crate) const ACCOUNT_ID_PIECE: (&str, &str) = (
        "[0-9]{12}",
        "|[0-9]{11}|[0-9]{13}|[0-9]{1,6}[a-f: ][0-9]{1,6}|[٠-٩]{12}",
    );

    /// `.+$`, and near misses (empty, newlines, anything).
    pub(crate) const REST_OF_LINE_PIECE: (&str, &str) = (
        "[a-zA-Z0-9+=,.@_/-]{1,20}",
        "|\\n|[a-z]{0,3}\\n[a-z]{0,3}|\\r|(?s:.){1,6}",
    );

    /// The pieces of [`IAM_PRINCIPAL_ARN_PATTERN`] after the partition, and near misses of each.
    const IAM_PRINCIPAL_ARN_PIECES: [(&str, &str); 6] = [
        (":iam::", ":iam:|:IAM::|:sts::|::iam::|:iam:::|iam::"),
        ACCOUNT_ID_PIECE,
        (":", "|::|/"),
        ("role|user", "|roles|ROLE|group|oidc-provider|rol"),
        ("/", "|:|//|\\n"),
        REST_OF_LINE_PIECE,
    ];

    #[test]
    fn role_names_follow_iam() {
        assert!(check_iam_role_name("r", "acme-dev-cluster").is_ok());
        for bad in ["", "has space", &"a".repeat(65)] {
            assert!(
                matches!(check_iam_role_name("r", bad), Err(Error::Invalid(bkt_core::Invalid { ref field, .. })) if field == "r"),
                "{bad:?}"
            );
        }
    }

    #[test]
    fn principal_arns() {
        for good in [
            "arn:aws:iam::123456789012:role/platform-admin",
            "arn:aws-us-gov:iam::123456789012:user/ops/alice",
            "arn:aws:iam::123456789012:role/x",
        ] {
            assert!(matches_iam_principal_arn_pattern(good), "{good}");
            assert!(regex_matches(IAM_PRINCIPAL_ARN_PATTERN, good), "{good}");
        }
        for bad in [
            "platform-admin",
            "",
            "arn:aws:iam::123456789012:role/",
            "arn:aws:iam::123456789012:role/a\n",
            "arn:aws:iam::12345678901:role/a",
            "arn:aws:iam::123456789012:group/a",
            "arn:aws:sts::123456789012:role/a",
            "arn:AWS:iam::123456789012:role/a",
        ] {
            assert!(!matches_iam_principal_arn_pattern(bad), "{bad:?}");
            assert!(!regex_matches(IAM_PRINCIPAL_ARN_PATTERN, bad), "{bad:?}");
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2048))]

        /// The hand-written matcher accepts exactly what the regular expression accepts.
        #[test]
        fn the_iam_principal_arn_matcher_is_the_pattern(
            value in prop_oneof![
                3 => near_valid(&[&ARN_PARTITION_PIECES[..], &IAM_PRINCIPAL_ARN_PIECES].concat()),
                1 => arbitrary("arniamwsroleuser0-9:/-"),
            ],
        ) {
            prop_assert_eq!(
                matches_iam_principal_arn_pattern(&value),
                regex_matches(IAM_PRINCIPAL_ARN_PATTERN, &value),
                "{:?}", value
            );
        }
    }
}
