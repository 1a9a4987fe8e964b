//! `up`'s last step: register (or update) the repository's GitHub webhook for Flux's `Receiver`,
//! so a push reaches source-controller in seconds instead of at the `GitRepository`'s interval.
//!
//! Every name is read from the cluster, which holds what the generator wrote: the `Receiver` of
//! type `github`, its `status.webhookPath`, the Secret its `secretRef` names (key `token`, as Flux
//! requires), and the host of the `Ingress` in its namespace whose path routes that webhook path.
//! The URL is `https://<host><webhookPath>`. Neither the token nor `GITHUB_TOKEN` touches a disk or
//! a command line: both reach curl through its configuration on stdin.
//!
//! Environment: `GITHUB_TOKEN` with "Webhooks: write" on the repository (without it the step prints
//! what to register by hand), `GITHUB_API` (default `https://api.github.com`).

use serde_json::{Value, json};

use super::{Tools, json};
use crate::process::{Failure, Result, output};

/// Flux's `Receiver` kind, as kubectl names it.
const RECEIVERS: &str = "receivers.notification.toolkit.fluxcd.io";

/// The `Receiver` a GitHub webhook calls.
#[derive(Debug, PartialEq, Eq)]
pub struct Receiver {
    /// Its namespace.
    pub namespace: String,
    /// Its name.
    pub name: String,
    /// The Secret holding the HMAC token (key `token`).
    pub secret: String,
    /// `status.webhookPath`: `/hook/<digest>`.
    pub path: String,
}

/// Registers the webhook of `repo` (`owner/name`) for the cluster's GitHub `Receiver`.
///
/// # Errors
/// No single GitHub `Receiver`, no webhook path yet, no `Ingress` routing it, or a call failed.
pub fn register(tools: &Tools, repo: &str) -> Result {
    let receivers = json(&output(
        tools.kubectl().args(["get", RECEIVERS, "-A", "-o", "json"]),
    )?)?;
    let receiver = github_receiver(&receivers)?;
    let ingresses = json(&output(tools.kubectl().args([
        "get",
        "ingress",
        "-n",
        &receiver.namespace,
        "-o",
        "json",
    ]))?)?;
    let url = webhook_url(&ingresses, &receiver.path).ok_or_else(|| {
        Failure::step(format!(
            "github-webhook: no Ingress in namespace {} routes {}, the path of Receiver {}/{}: \
             is the flux-notifications Kustomization applied?",
            receiver.namespace, receiver.path, receiver.namespace, receiver.name
        ))
    })?;
    let Some(github_token) = std::env::var("GITHUB_TOKEN")
        .ok()
        .filter(|token| !token.is_empty())
    else {
        println!(
            "github-webhook: GITHUB_TOKEN is not set; register by hand in {repo}'s settings \
             (Webhooks):"
        );
        println!("    payload URL {url}, content type application/json, events: push,");
        println!(
            "    secret: kubectl get secret -n {} {} -o jsonpath='{{.data.token}}' | base64 -d",
            receiver.namespace, receiver.secret
        );
        return Ok(());
    };
    let secret = output(tools.kubectl().args([
        "get",
        "secret",
        &receiver.secret,
        "-n",
        &receiver.namespace,
        "-o",
        "go-template={{.data.token | base64decode}}",
    ]))?;
    if secret.is_empty() {
        return Err(Failure::step(format!(
            "github-webhook: Secret {}/{} has no key token yet: is its ExternalSecret synced?",
            receiver.namespace, receiver.secret
        )));
    }
    let api = std::env::var("GITHUB_API")
        .ok()
        .filter(|api| !api.is_empty())
        .unwrap_or_else(|| "https://api.github.com".to_owned());
    let github = GitHub {
        tools,
        api: &api,
        token: &github_token,
        repo,
    };
    let hooks = json(&github.call("GET", "/hooks?per_page=100", None)?)?;
    let body = json!({
        "active": true,
        "events": ["push"],
        "config": {"url": url, "content_type": "json", "insecure_ssl": "0", "secret": secret},
    })
    .to_string();
    if let Some(id) = hook_id(&hooks, &url) {
        github.call("PATCH", &format!("/hooks/{id}"), Some(&body))?;
        println!("github-webhook: updated hook {id} → {url}");
    } else {
        github.call("POST", "/hooks", Some(&body))?;
        println!("github-webhook: created a push hook → {url}");
    }
    Ok(())
}

/// The one `Receiver` of type `github` in a `kubectl get -o json` list, with its webhook path.
///
/// # Errors
/// None or several, or its path is not there yet.
pub fn github_receiver(list: &Value) -> Result<Receiver> {
    let found: Vec<&Value> = items(list)
        .filter(|item| item["spec"]["type"] == "github")
        .collect();
    let [item] = found.as_slice() else {
        return Err(Failure::step(format!(
            "github-webhook: the cluster has {} Receivers of type github, and up registers one \
             webhook: is the flux-notifications Kustomization applied?",
            found.len()
        )));
    };
    let text = |value: &Value| value.as_str().unwrap_or_default().to_owned();
    let receiver = Receiver {
        namespace: text(&item["metadata"]["namespace"]),
        name: text(&item["metadata"]["name"]),
        secret: text(&item["spec"]["secretRef"]["name"]),
        path: text(&item["status"]["webhookPath"]),
    };
    if !receiver.path.starts_with("/hook/") {
        return Err(Failure::step(format!(
            "github-webhook: Receiver {}/{} has no webhookPath yet (got '{}'): is \
             notification-controller running?",
            receiver.namespace, receiver.name, receiver.path
        )));
    }
    Ok(receiver)
}

/// `https://<host><path>` for the rule of an `Ingress` in `list` whose path is the longest that
/// `path` starts with: the route an ingress controller takes for `path`.
pub fn webhook_url(list: &Value, path: &str) -> Option<String> {
    items(list)
        .flat_map(|item| item["spec"]["rules"].as_array().into_iter().flatten())
        .filter_map(|rule| {
            let host = rule["host"].as_str()?;
            let longest = rule["http"]["paths"]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(|route| route["path"].as_str())
                .filter(|prefix| !prefix.is_empty() && path.starts_with(prefix))
                .map(str::len)
                .max()?;
            Some((longest, host))
        })
        .max_by_key(|(longest, _)| *longest)
        .map(|(_, host)| format!("https://{host}{path}"))
}

/// The id of the hook in GitHub's list whose URL is `url`.
fn hook_id(hooks: &Value, url: &str) -> Option<u64> {
    hooks
        .as_array()
        .into_iter()
        .flatten()
        .find(|hook| hook["config"]["url"] == url)
        .and_then(|hook| hook["id"].as_u64())
}

fn items(list: &Value) -> impl Iterator<Item = &Value> {
    list["items"].as_array().into_iter().flatten()
}

/// The repository's hooks on GitHub's REST API, through curl.
struct GitHub<'a> {
    tools: &'a Tools,
    api: &'a str,
    token: &'a str,
    repo: &'a str,
}

impl GitHub<'_> {
    /// `method` on `/repos/<repo><path>` with `body`: what GitHub answered.
    fn call(&self, method: &str, path: &str, body: Option<&str>) -> Result<String> {
        let mut command = self.tools.command("curl");
        command
            .args(["-fsS", "-X", method, "-K", "-"])
            .args(["-H", "Accept: application/vnd.github+json"])
            .args(["-H", "X-GitHub-Api-Version: 2022-11-28"])
            .arg(format!("{}/repos/{}{path}", self.api, self.repo));
        let config = curl_config(self.token, body);
        super::piped(&mut command, config.as_bytes()).map_err(|failure| {
            Failure::step(format!(
                "{failure}\n    GITHUB_TOKEN needs \"Webhooks: write\" on {}",
                self.repo
            ))
        })
    }
}

/// curl's configuration (`-K -`) carrying the secrets: the `Authorization` header and, for a
/// write, the body.
fn curl_config(token: &str, body: Option<&str>) -> String {
    let header = curl_quoted(&format!("Authorization: Bearer {token}"));
    match body {
        Some(body) => format!("header = {header}\ndata-binary = {}\n", curl_quoted(body)),
        None => format!("header = {header}\n"),
    }
}

/// `value` as a double-quoted curl configuration parameter: curl reads `\\`, `\"`, `\n`, `\r` and
/// `\t` back as the characters they stand for.
fn curl_quoted(value: &str) -> String {
    let mut quoted = String::with_capacity(value.len() + 2);
    quoted.push('"');
    for c in value.chars() {
        match c {
            '\\' => quoted.push_str("\\\\"),
            '"' => quoted.push_str("\\\""),
            '\n' => quoted.push_str("\\n"),
            '\r' => quoted.push_str("\\r"),
            '\t' => quoted.push_str("\\t"),
            c => quoted.push(c),
        }
    }
    quoted.push('"');
    quoted
}

#[cfg(test)]
mod tests {
    use super::*;

    fn receivers(items: &Value) -> Value {
        json!({ "items": items })
    }

    fn github(namespace: &str, path: &str) -> Value {
        json!({
            "metadata": {"name": "github", "namespace": namespace},
            "spec": {"type": "github", "secretRef": {"name": "hmac"}},
            "status": {"webhookPath": path},
        })
    }

    #[test]
    fn the_one_github_receiver_is_found_with_its_secret_and_path() {
        let list = receivers(&json!([
            {"metadata": {"name": "other"}, "spec": {"type": "generic"}},
            github("flux-system", "/hook/abc"),
        ]));
        assert_eq!(
            github_receiver(&list).expect("one github receiver"),
            Receiver {
                namespace: "flux-system".into(),
                name: "github".into(),
                secret: "hmac".into(),
                path: "/hook/abc".into(),
            }
        );
    }

    #[test]
    fn none_two_or_one_without_a_path_is_an_error_that_says_so() {
        let none = github_receiver(&receivers(&json!([]))).expect_err("none");
        assert!(none.message.contains("has 0 Receivers"), "{none}");
        let two = receivers(&json!([github("a", "/hook/1"), github("b", "/hook/2")]));
        let two = github_receiver(&two).expect_err("two");
        assert!(two.message.contains("has 2 Receivers"), "{two}");
        let pending = receivers(&json!([github("flux-system", "")]));
        let pending = github_receiver(&pending).expect_err("no path yet");
        assert!(
            pending
                .message
                .contains("flux-system/github has no webhookPath yet"),
            "{pending}"
        );
    }

    #[test]
    fn the_url_is_the_host_of_the_rule_with_the_longest_path_routing_it() {
        let ingresses = json!({"items": [
            {"spec": {"rules": [{"host": "grafana.x", "http": {"paths": [{"path": "/"}]}}]}},
            {"spec": {"rules": [
                {"host": "other.x", "http": {"paths": [{"path": "/login"}]}},
                {"host": "hooks.x", "http": {"paths": [{"path": "/hook/"}]}},
            ]}},
        ]});
        assert_eq!(
            webhook_url(&ingresses, "/hook/abc").as_deref(),
            Some("https://hooks.x/hook/abc")
        );
        assert_eq!(
            webhook_url(&ingresses, "/other").as_deref(),
            Some("https://grafana.x/other")
        );
        let without_root = json!({"items": [
            {"spec": {"rules": [{"host": "hooks.x", "http": {"paths": [{"path": "/hook/"}]}}]}},
        ]});
        assert_eq!(webhook_url(&without_root, "/other"), None);
    }

    #[test]
    fn the_hook_with_the_url_is_updated_not_another() {
        let hooks = json!([
            {"id": 1, "config": {"url": "https://elsewhere/hook/x"}},
            {"id": 9, "config": {"url": "https://hooks.x/hook/abc"}},
        ]);
        assert_eq!(hook_id(&hooks, "https://hooks.x/hook/abc"), Some(9));
        assert_eq!(hook_id(&hooks, "https://hooks.x/hook/new"), None);
    }

    #[test]
    fn quoting_escapes_what_curl_would_read_as_escapes() {
        assert_eq!(curl_quoted(r#"a"b\c"#), r#""a\"b\\c""#);
        assert_eq!(curl_quoted("line\nnext\t"), r#""line\nnext\t""#);
    }
}
