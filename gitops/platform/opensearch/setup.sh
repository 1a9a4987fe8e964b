# shellcheck shell=sh
# Makes the logs usable with no manual step, run by the Job in platform/opensearch (job.yaml) as
# OpenSearch's admin. Every step may run again: each one creates or replaces its object.
#
# 1. Fluent Bit's own user: role fluent-bit may create the indices under INDEX_PREFIX and write
#    to them, nothing else; user fluent-bit (password from the generated Secret
#    opensearch-fluent-bit) is mapped to it. Grafana's logs datasource reads as user grafana
#    (password from opensearch-grafana), whose role grafana-logs may only read those indices.
# 2. The index state management policy: indices under INDEX_PREFIX are deleted once they are
#    RETENTION old (the environment's logs.retention_days, with the unit: 7d; the unit keeps the
#    substituted value a string in the Job's YAML). The policy's ism_template
#    attaches it to every new index; existing indices are attached or moved to the latest
#    version of the policy.
# 3. OpenSearch Dashboards: the index pattern of the logs (the default one) and a saved search
#    of the newest lines, through the saved-objects API with overwrite=true.
set -eu
me=opensearch-setup

for name in OPENSEARCH_URL DASHBOARDS_URL SECRETS_DIR RETENTION INDEX_PREFIX WAIT_SECONDS; do
  if ! printenv "$name" >/dev/null; then
    echo "$me: environment variable $name is not set; the Job in platform/opensearch sets it" >&2
    exit 2
  fi
done
# secret FILE: a credential the Job mounts below SECRETS_DIR (files, not environment variables).
secret() {
  if [ ! -s "$SECRETS_DIR/$1" ]; then
    echo "$me: $SECRETS_DIR/$1 is missing or empty; the Job in platform/opensearch mounts it" >&2
    exit 2
  fi
  cat "$SECRETS_DIR/$1"
}
OPENSEARCH_USERNAME=$(secret admin/username)
OPENSEARCH_PASSWORD=$(secret admin/password)
FLUENT_BIT_PASSWORD=$(secret fluent-bit/password)
GRAFANA_PASSWORD=$(secret grafana/password)
days=$(echo "$RETENTION" | sed -n 's/^\([1-9][0-9]*\)d$/\1/p')
if [ -z "$days" ]; then
  echo "$me: RETENTION is \"$RETENTION\", not a number of days followed by d (7d); set logs.retention_days in environments/<env>.toml" >&2
  exit 2
fi

# call METHOD URL [BODY]: the response body on stdout, the HTTP status in $status.
call() {
  out=/tmp/response
  if [ $# -ge 3 ]; then
    status=$(curl -sS -k -o "$out" -w '%{http_code}' -u "$OPENSEARCH_USERNAME:$OPENSEARCH_PASSWORD" \
      -H 'Content-Type: application/json' -H 'osd-xsrf: true' -H 'securitytenant: global' \
      -X "$1" "$2" --data "$3") || status=000
  else
    status=$(curl -sS -k -o "$out" -w '%{http_code}' -u "$OPENSEARCH_USERNAME:$OPENSEARCH_PASSWORD" \
      -H 'osd-xsrf: true' -H 'securitytenant: global' -X "$1" "$2") || status=000
  fi
}

# expect WHAT STATUS...: exits 1 naming WHAT unless $status is one of STATUS.
expect() {
  what=$1
  shift
  for ok in "$@"; do
    [ "$status" = "$ok" ] && return 0
  done
  echo "$me: $what answered HTTP $status: $(cat /tmp/response 2>/dev/null)" >&2
  exit 1
}

# wait_for URL WHAT: until URL answers 200, at most WAIT_SECONDS.
wait_for() {
  deadline=$(($(date +%s) + WAIT_SECONDS))
  while :; do
    call GET "$1"
    [ "$status" = 200 ] && return 0
    if [ "$(date +%s)" -ge "$deadline" ]; then
      echo "$me: $2 ($1) did not answer within $WAIT_SECONDS s (last HTTP $status); check its pods" >&2
      exit 1
    fi
    echo "$me: waiting for $2"
    sleep 5
  done
}

wait_for "$OPENSEARCH_URL/_cluster/health?wait_for_status=yellow&timeout=5s" OpenSearch

# 1. Fluent Bit's role, user and mapping.
call PUT "$OPENSEARCH_URL/_plugins/_security/api/roles/fluent-bit" \
  "{\"cluster_permissions\":[\"cluster_monitor\",\"indices:data/write/bulk\"],\"index_permissions\":[{\"index_patterns\":[\"$INDEX_PREFIX-*\"],\"allowed_actions\":[\"create_index\",\"write\"]}]}"
expect "role fluent-bit" 200 201
call PUT "$OPENSEARCH_URL/_plugins/_security/api/internalusers/fluent-bit" \
  "{\"password\":\"$FLUENT_BIT_PASSWORD\",\"backend_roles\":[]}"
expect "user fluent-bit" 200 201
call PUT "$OPENSEARCH_URL/_plugins/_security/api/rolesmapping/fluent-bit" '{"users":["fluent-bit"]}'
expect "role mapping fluent-bit" 200 201
echo "$me: user fluent-bit may write $INDEX_PREFIX-* only"
call PUT "$OPENSEARCH_URL/_plugins/_security/api/roles/grafana-logs" \
  "{\"cluster_permissions\":[\"cluster_composite_ops_ro\"],\"index_permissions\":[{\"index_patterns\":[\"$INDEX_PREFIX-*\"],\"allowed_actions\":[\"read\",\"indices:admin/mappings/get\"]}]}"
expect "role grafana-logs" 200 201
call PUT "$OPENSEARCH_URL/_plugins/_security/api/internalusers/grafana" \
  "{\"password\":\"$GRAFANA_PASSWORD\",\"backend_roles\":[]}"
expect "user grafana" 200 201
call PUT "$OPENSEARCH_URL/_plugins/_security/api/rolesmapping/grafana-logs" '{"users":["grafana"]}'
expect "role mapping grafana-logs" 200 201
echo "$me: user grafana may read $INDEX_PREFIX-* only"

# 2. The retention policy. An existing policy is replaced at its current sequence number.
policy="{\"policy\":{\"description\":\"Deletes Fluent Bit's indices $INDEX_PREFIX-* $days days after they were created.\",\"default_state\":\"hot\",\"states\":[{\"name\":\"hot\",\"actions\":[],\"transitions\":[{\"state_name\":\"delete\",\"conditions\":{\"min_index_age\":\"$RETENTION\"}}]},{\"name\":\"delete\",\"actions\":[{\"delete\":{}}],\"transitions\":[]}],\"ism_template\":[{\"index_patterns\":[\"$INDEX_PREFIX-*\"],\"priority\":100}]}}"
url="$OPENSEARCH_URL/_plugins/_ism/policies/$INDEX_PREFIX-retention"
call GET "$url"
if [ "$status" = 200 ]; then
  seq_no=$(sed -n 's/.*"_seq_no" *: *\([0-9]*\).*/\1/p' /tmp/response)
  primary_term=$(sed -n 's/.*"_primary_term" *: *\([0-9]*\).*/\1/p' /tmp/response)
  call PUT "$url?if_seq_no=$seq_no&if_primary_term=$primary_term" "$policy"
else
  expect "policy $INDEX_PREFIX-retention" 404
  call PUT "$url" "$policy"
fi
expect "policy $INDEX_PREFIX-retention" 200 201
call POST "$OPENSEARCH_URL/_plugins/_ism/add/$INDEX_PREFIX-*" "{\"policy_id\":\"$INDEX_PREFIX-retention\"}"
expect "attaching the policy" 200
call POST "$OPENSEARCH_URL/_plugins/_ism/change_policy/$INDEX_PREFIX-*" "{\"policy_id\":\"$INDEX_PREFIX-retention\"}"
expect "updating the policy of managed indices" 200
echo "$me: $INDEX_PREFIX-* indices are deleted after $days days"

# 3. Dashboards: the index pattern (made the default) and the saved search.
wait_for "$DASHBOARDS_URL/api/status" "OpenSearch Dashboards"
call POST "$DASHBOARDS_URL/api/saved_objects/index-pattern/$INDEX_PREFIX-logs?overwrite=true" \
  "{\"attributes\":{\"title\":\"$INDEX_PREFIX-*\",\"timeFieldName\":\"@timestamp\"}}"
expect "index pattern $INDEX_PREFIX-*" 200
call POST "$DASHBOARDS_URL/api/opensearch-dashboards/settings" \
  "{\"changes\":{\"defaultIndex\":\"$INDEX_PREFIX-logs\"}}"
expect "default index pattern" 200
call POST "$DASHBOARDS_URL/api/saved_objects/search/$INDEX_PREFIX-recent?overwrite=true" \
  "{\"attributes\":{\"title\":\"Container logs, newest first\",\"columns\":[\"kubernetes.namespace_name\",\"kubernetes.pod_name\",\"log\"],\"sort\":[[\"@timestamp\",\"desc\"]],\"kibanaSavedObjectMeta\":{\"searchSourceJSON\":\"{\\\"query\\\":{\\\"query\\\":\\\"\\\",\\\"language\\\":\\\"kuery\\\"},\\\"filter\\\":[],\\\"indexRefName\\\":\\\"kibanaSavedObjectMeta.searchSourceJSON.index\\\"}\"}},\"references\":[{\"name\":\"kibanaSavedObjectMeta.searchSourceJSON.index\",\"type\":\"index-pattern\",\"id\":\"$INDEX_PREFIX-logs\"}]}"
expect "saved search $INDEX_PREFIX-recent" 200
echo "$me: Dashboards show $INDEX_PREFIX-* (Discover) and the saved search \"Container logs, newest first\""
