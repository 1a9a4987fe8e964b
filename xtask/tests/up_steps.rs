//! `cargo xtask up`'s steps against stand-ins (~1 s): the built xtask runs `up` on a scratch
//! repository (`XTASK_ROOT`) whose terraform, aws, kubectl/helm (`scripts/gotool`), cargo and
//! helper scripts record each call and answer like a new account whose cluster becomes Ready at
//! once; preflight runs for real against them. `make up` itself needs real AWS, a domain and a
//! Git repository, none of which the build machine has.
//!
//! Proves: the steps run in the documented order with the Rust catalog's operator pin; the DNS
//! delegation is printed before the full apply; `GITHUB_TOKEN` reaches the two cluster Secrets
//! through stdin and never a command line; every `cluster_vars` key reaches the `ConfigMap`;
//! Ingress hosts are printed once each, sorted; an instance syncing another repository than
//! Terraform's stops `up` before Flux is pointed at it; the GitHub webhook is registered with the
//! names the cluster holds, through the real curl against a local stand-in of GitHub's API, and
//! neither secret reaches a command line.

mod common;

use common::Scratch;

const TERRAFORM: &str = r#"
if [[ $1 == -chdir=* ]]; then shift; fi
case "$1 ${2:-} ${3:-}" in
  "version -json "*) echo '{"terraform_version":"1.11.4"}' ;;
  "output -raw state_bucket") echo bkt-tfstate-test ;;
  "output -json cluster_vars") echo '{"CLUSTER_NAME":"bkt-dev","GITHUB_REPOSITORY":"acme/platform","DOMAIN":"dev.example.org","SAMPLE_APP_IMAGE_REPOSITORY":"123456789012.dkr.ecr.eu-west-1.amazonaws.com/bkt-sample-app","NODE_COUNT":3}' ;;
  "output -json ") echo '{"delegation_step":{"value":"add NS records for dev.example.org to example.org"}}' ;;
esac
exit 0"#;

const AWS: &str = r#"
case "$1" in
  --version) echo "aws-cli/2.0.0 Python/3.12" ;;
  sts) echo "arn:aws:iam::123456789012:user/test" ;;
esac
exit 0"#;

/// kubectl answers like a cluster whose only Kustomization is Ready; every object `create`
/// makes reads its stdin, which goes to `$FAKE_STDIN`.
const GOTOOL: &str = r#"
[[ $1 == helm ]] && exit 0
shift
case "$*" in
  version*) ;;
  "create --dry-run=client -f "*) echo "${FAKE_SYNC:-https://github.com/acme/platform.git main}" ;;
  create*) { echo "--- stdin of: $*"; cat; echo; } >>"$FAKE_STDIN"; echo "kind: Stand-in" ;;
  "apply -f -") cat >/dev/null ;;
  "get kustomizations"*) echo '{"items":[{"metadata":{"name":"flux-system"},"status":{"conditions":[{"type":"Ready","status":"True"}]}}]}' ;;
  "get receivers.notification.toolkit.fluxcd.io -A -o json") echo '{"items":[{"metadata":{"name":"github","namespace":"flux-system"},"spec":{"type":"github","secretRef":{"name":"hmac-token"}},"status":{"webhookPath":"/hook/abc"}}]}' ;;
  "get ingress -n flux-system -o json") echo '{"items":[{"spec":{"rules":[{"host":"flux-webhook.dev.example.org","http":{"paths":[{"path":"/hook/"}]}}]}}]}' ;;
  "get secret hmac-token -n flux-system "*) printf '%s' "$WEBHOOK_SECRET" ;;
  "get ingress"*) echo '{"items":[{"spec":{"rules":[{"host":"b.dev.example.org"},{"host":"a.dev.example.org"}]}},{"spec":{"rules":[{"host":"a.dev.example.org"}]}}]}' ;;
esac
exit 0"#;

const TOKEN: &str = "github_pat_stand_in_0123456789";
/// The HMAC token in the cluster's Secret, with what curl's configuration must escape.
const WEBHOOK_SECRET: &str = r#"hmac"quote\slash"#;

/// GitHub's REST API for the hooks of `acme/platform`, on a local port: it already holds a hook
/// for the receiver's URL (id 7). Each request is kept as its request line, its `Authorization`
/// header and its body.
struct GitHubStandIn {
    url: String,
    requests: std::sync::mpsc::Receiver<(String, String, String)>,
}

impl GitHubStandIn {
    fn start() -> Self {
        use std::io::{BufRead, BufReader, Read, Write};
        let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("a local port");
        let url = format!("http://{}", listener.local_addr().expect("its address"));
        let (send, requests) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                let mut reader = BufReader::new(stream);
                let (mut request, mut authorization, mut length) =
                    (String::new(), String::new(), 0);
                reader.read_line(&mut request).expect("a request line");
                loop {
                    let mut line = String::new();
                    reader.read_line(&mut line).expect("a header");
                    let line = line.trim_end();
                    if line.is_empty() {
                        break;
                    }
                    let (name, value) = line.split_once(": ").unwrap_or((line, ""));
                    match name.to_ascii_lowercase().as_str() {
                        "authorization" => value.clone_into(&mut authorization),
                        "content-length" => length = value.parse().expect("a length"),
                        _ => {}
                    }
                }
                let mut body = vec![0; length];
                reader.read_exact(&mut body).expect("the body");
                let answer = if request.starts_with("GET /repos/acme/platform/hooks?per_page=100 ")
                {
                    r#"[{"id":3,"config":{"url":"https://elsewhere/hook/x"}},{"id":7,"config":{"url":"https://flux-webhook.dev.example.org/hook/abc"}}]"#
                } else {
                    "{}"
                };
                let mut stream = reader.into_inner();
                write!(
                    stream,
                    "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{answer}",
                    answer.len()
                )
                .expect("an answer");
                let body = String::from_utf8(body).expect("a UTF-8 body");
                if send
                    .send((request.trim_end().to_owned(), authorization, body))
                    .is_err()
                {
                    break;
                }
            }
        });
        Self { url, requests }
    }
}

/// The curl on PATH, for a stand-in that logs its arguments and then runs it.
fn real_curl() -> std::path::PathBuf {
    std::env::split_paths(&std::env::var_os("PATH").unwrap_or_default())
        .map(|dir| dir.join("curl"))
        .find(|path| path.is_file())
        .expect("curl on PATH (make setup installs it)")
}

fn scratch() -> Scratch {
    let scratch = Scratch::new(&[
        "scripts",
        ".venv/bin",
        "tools",
        "terraform/bootstrap",
        "terraform/envs/dev",
        "gitops/clusters/dev",
    ]);
    scratch.copy("scripts/tf-init.sh");
    // The generated constraint preflight reads the required Terraform release from.
    scratch.copy("terraform/envs/dev/versions.tf");
    std::fs::write(scratch.root.join("terraform/envs/dev/terraform.tfvars"), "")
        .expect("the inputs");
    std::fs::write(
        scratch.root.join("gitops/clusters/dev/flux-instance.yaml"),
        "kind: FluxInstance\n",
    )
    .expect("the instance");
    scratch.stand_in("scripts/gotool", GOTOOL);
    scratch.stand_in("scripts/first-image.sh", "exit 0");
    scratch.stand_in("curl", &format!("exec {} \"$@\"", real_curl().display()));
    scratch.stand_in(".venv/bin/aws", AWS);
    scratch.stand_in("terraform", TERRAFORM);
    scratch.stand_in(
        "cargo",
        r#"case "$*" in *--print-image-tag) echo 0123abc ;; *) echo 0.59.0 ;; esac"#,
    );
    scratch
}

fn up(scratch: &Scratch, vars: &[(&str, &str)]) -> (bool, String, String) {
    let stdin = scratch.root.join("stdin");
    let stdin_path = stdin.to_string_lossy().into_owned();
    let mut vars = vars.to_vec();
    vars.push(("FAKE_STDIN", &stdin_path));
    vars.push(("WEBHOOK_SECRET", WEBHOOK_SECRET));
    let (passed, printed) = scratch.xtask(&["up", "dev"], &vars);
    (
        passed,
        printed,
        std::fs::read_to_string(stdin).unwrap_or_default(),
    )
}

#[test]
fn the_steps_run_in_order_and_the_token_only_goes_through_stdin() {
    let scratch = scratch();
    let github = GitHubStandIn::start();
    let (passed, printed, stdin) = up(
        &scratch,
        &[("GITHUB_TOKEN", TOKEN), ("GITHUB_API", &github.url)],
    );
    assert!(passed, "up failed:\n{printed}");
    let log = scratch.log();
    let root = scratch.root.display();
    let order = [
        format!("terraform -chdir={root}/terraform/bootstrap apply -auto-approve -var region=eu-west-1"),
        format!("terraform -chdir={root}/terraform/envs/dev apply -auto-approve -target="),
        format!("terraform -chdir={root}/terraform/envs/dev apply -auto-approve\n"),
        "first-image.sh dev 123456789012.dkr.ecr.eu-west-1.amazonaws.com/bkt-sample-app 0123abc\n".to_owned(),
        "aws eks update-kubeconfig --region eu-west-1 --name bkt-dev".to_owned(),
        "gotool kubectl create configmap cluster-vars -n flux-system".to_owned(),
        "gotool helm upgrade --install flux-operator oci://ghcr.io/controlplaneio-fluxcd/charts/flux-operator --version 0.59.0".to_owned(),
        format!("gotool kubectl apply -f {root}/gitops/clusters/dev/flux-instance.yaml"),
        "gotool kubectl get kustomizations.kustomize.toolkit.fluxcd.io".to_owned(),
        "gotool kubectl get receivers.notification.toolkit.fluxcd.io -A -o json".to_owned(),
        "gotool kubectl get ingress -n flux-system -o json".to_owned(),
        "gotool kubectl get secret hmac-token -n flux-system".to_owned(),
        format!("curl -fsS -X GET -K - -H Accept: application/vnd.github+json -H X-GitHub-Api-Version: 2022-11-28 {}/repos/acme/platform/hooks?per_page=100", github.url),
        format!("curl -fsS -X PATCH -K - -H Accept: application/vnd.github+json -H X-GitHub-Api-Version: 2022-11-28 {}/repos/acme/platform/hooks/7", github.url),
        "gotool kubectl get ingress -A".to_owned(),
    ];
    // Each call is a line, so "apply -auto-approve\n" is the full apply and not the targeted one.
    let places: Vec<usize> = order
        .iter()
        .map(|needle| {
            log.find(needle.as_str())
                .unwrap_or_else(|| panic!("no call `{needle}`:\n{printed}"))
        })
        .collect();
    assert!(
        places.windows(2).all(|pair| pair[0] < pair[1]),
        "steps out of order (want {order:#?}):\n{printed}"
    );
    let delegation = printed
        .find("add NS records for dev.example.org to example.org")
        .expect("the delegation step printed");
    assert!(printed.contains("up: MANUAL STEP"), "{printed}");
    assert!(
        printed.contains("up: Flux syncs acme/platform main; it applies this file from there too"),
        "{printed}"
    );
    assert!(
        delegation < printed.find("==> [3/10]").expect("step 3"),
        "{printed}"
    );
    for secret in [TOKEN, WEBHOOK_SECRET] {
        assert!(
            !log.contains(secret),
            "a secret was on a command line:\n{printed}"
        );
    }
    the_webhook_was_registered(&github, &printed);
    assert_eq!(stdin.matches(TOKEN).count(), 2, "{stdin}");
    assert!(
        stdin.contains("create secret generic flux-system"),
        "{stdin}"
    );
    assert!(
        stdin.contains("create secret generic github-token"),
        "{stdin}"
    );
    for line in [
        "NODE_COUNT=3\n",
        "GITHUB_REPOSITORY=acme/platform\n",
        "CLUSTER_NAME=bkt-dev\n",
    ] {
        assert!(stdin.contains(line), "cluster-vars lacks {line}{stdin}");
    }
    assert!(
        printed.contains("URLs (")
            && printed.contains("  https://a.dev.example.org\n  https://b.dev.example.org\nup: environment dev is up"),
        "{printed}"
    );
    assert!(
        log.contains("cargo xtask generate --print-pin flux-operator"),
        "the operator's version was not read from the catalog:\n{printed}"
    );
}

/// Two calls reached GitHub's API, each with the token in its header: the list, then an update of
/// the receiver's hook with the cluster's HMAC token intact.
fn the_webhook_was_registered(github: &GitHubStandIn, printed: &str) {
    let requests: Vec<(String, String, String)> = github.requests.try_iter().collect();
    assert_eq!(requests.len(), 2, "{requests:#?}");
    assert!(requests[0].0.starts_with("GET "), "{requests:#?}");
    assert!(
        requests[1]
            .0
            .starts_with("PATCH /repos/acme/platform/hooks/7 "),
        "{requests:#?}"
    );
    for (_, authorization, _) in &requests {
        assert_eq!(authorization, &format!("Bearer {TOKEN}"));
    }
    let hook: serde_json::Value = serde_json::from_str(&requests[1].2).expect("a JSON body");
    assert_eq!(
        hook,
        serde_json::json!({
            "active": true,
            "events": ["push"],
            "config": {
                "url": "https://flux-webhook.dev.example.org/hook/abc",
                "content_type": "json",
                "insecure_ssl": "0",
                "secret": WEBHOOK_SECRET,
            },
        })
    );
    assert!(
        printed.contains(
            "github-webhook: updated hook 7 → https://flux-webhook.dev.example.org/hook/abc"
        ),
        "{printed}"
    );
}

#[test]
fn an_instance_syncing_another_repository_stops_up_before_flux_is_pointed_at_it() {
    let scratch = scratch();
    let (passed, printed, _) = up(
        &scratch,
        &[("FAKE_SYNC", "https://github.com/someone/else.git main")],
    );
    assert!(
        !passed,
        "up passed with a mismatched repository:\n{printed}"
    );
    assert!(
        printed.contains("set [flux] repository = \"acme/platform\" in environments/dev.toml"),
        "{printed}"
    );
    let log = scratch.log();
    let instance = format!(
        "gotool kubectl apply -f {}/gitops/clusters/dev/flux-instance.yaml",
        scratch.root.display()
    );
    assert!(!log.contains(&instance), "applied the instance:\n{printed}");
    assert!(!log.contains("get receivers"), "{printed}");
}

#[test]
fn without_a_github_token_the_webhook_to_register_by_hand_is_printed() {
    let scratch = scratch();
    let (passed, printed, _) = up(&scratch, &[]);
    assert!(passed, "up failed:\n{printed}");
    for line in [
        "github-webhook: GITHUB_TOKEN is not set; register by hand in acme/platform's settings",
        "payload URL https://flux-webhook.dev.example.org/hook/abc, content type application/json",
        "secret: kubectl get secret -n flux-system hmac-token -o jsonpath='{.data.token}' | base64 -d",
    ] {
        assert!(printed.contains(line), "no `{line}`:\n{printed}");
    }
    let log = scratch.log();
    assert!(!log.contains("curl "), "{printed}");
    assert!(!log.contains("get secret"), "{printed}");
}
