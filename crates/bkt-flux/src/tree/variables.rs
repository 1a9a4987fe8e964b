//! The `${VAR}` references of a text, read as Flux's post-build substitution reads them.

/// The names of the `${VAR}` substitutions in `text`, as Flux's envsubst reads them: `$$` is an
/// escaped `$`, and a name ends at the first character that cannot be part of one (`}` or an
/// operator such as `:=`). A `${` with no name gives `""`.
pub(super) fn variables(text: &str) -> Vec<&str> {
    let bytes = text.as_bytes();
    let mut found = Vec::new();
    let mut index = 0;
    while index < bytes.len() {
        match (bytes.get(index), bytes.get(index + 1)) {
            (Some(b'$'), Some(b'$')) => index += 2,
            (Some(b'$'), Some(b'{')) => {
                let start = index + 2;
                let length = bytes
                    .get(start..)
                    .unwrap_or_default()
                    .iter()
                    .take_while(|byte| byte.is_ascii_alphanumeric() || **byte == b'_')
                    .count();
                found.push(text.get(start..start + length).unwrap_or_default());
                index = start + length;
            }
            _ => index += 1,
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::variables;
    use crate::escaped_reference;

    #[test]
    fn reads_variables_as_flux_does() {
        assert_eq!(
            variables("a ${DOMAIN} b ${VPC_CIDR}"),
            ["DOMAIN", "VPC_CIDR"]
        );
        assert!(variables("$${LITERAL} and $$ and $HOME").is_empty());
        assert_eq!(variables("${X:=default}"), ["X"]);
        assert_eq!(variables("${}"), [""]);
        assert_eq!(variables("end ${"), [""]);
    }

    #[test]
    fn an_escaped_reference_is_no_variable() {
        let reference = escaped_reference("OPENSEARCH_OIDC_CLIENT_SECRET");
        assert!(variables(&reference).is_empty(), "{reference}");
        // What Flux writes for it: every `$$` becomes `$`.
        assert_eq!(
            reference.replace("$$", "$"),
            ["$", "{OPENSEARCH_OIDC_CLIENT_SECRET}"].concat()
        );
    }
}
