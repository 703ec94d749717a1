#!/usr/bin/env bash
# Proves the services of the scale-out tests (issue 15) work on this machine: starts a
# throwaway PostgreSQL (scripts/postgres.sh) and SeaweedFS (scripts/seaweedfs.sh) in a
# temporary directory, checks what the product will rely on, and stops both.
#   PostgreSQL, with Debian's psql: SELECT 1; LISTEN/NOTIFY between two sessions (delivered
#   at COMMIT, never for a rolled-back transaction); a claim with
#   UPDATE … WHERE id IN (SELECT … FOR UPDATE SKIP LOCKED LIMIT n) RETURNING … by two
#   sessions at once, which never claim the same row.
#   S3, with curl --aws-sigv4 (libcurl's CURLOPT_AWS_SIGV4, as the product signs): create a
#   bucket, PUT, GET, a ranged GET, a 12 MB multipart upload, a presigned GET (signed here
#   in Python), and requests that must be refused (no signature, a wrong secret, a tampered
#   or expired presigned URL).
# Exits non-zero at the first failure, with what failed; ends with "N passed, 0 failed".
#   scripts/services-smoke.sh            (make services-smoke)
set -euo pipefail
cd "$(dirname "$0")/.."

tmp=$(mktemp -d)
passed=0
cleanup() {
  local status=$?
  scripts/seaweedfs.sh stop "$tmp/s3" 2> /dev/null || true
  scripts/postgres.sh destroy "$tmp/pg" 2> /dev/null || true
  jobs -p | xargs -r kill 2> /dev/null || true
  rm -rf "$tmp"
  exit "$status"
}
trap cleanup EXIT

ok() { passed=$((passed + 1)); echo "ok: $*"; }
fail() {
  echo "FAILED: $*" >&2
  echo "services-smoke: $passed passed, 1 failed" >&2
  exit 1
}
now() { date +%s.%N; }
since() { python3 -c 'import sys; print(f"{float(sys.argv[2]) - float(sys.argv[1]):.1f}")' "$1" "$(now)"; }

# ---- PostgreSQL -------------------------------------------------------------------------
t=$(now)
url=$(scripts/postgres.sh start "$tmp/pg") || fail "scripts/postgres.sh start"
echo "postgres: $url (started in $(since "$t") s)"
psql_bin=$(ls -d /usr/lib/postgresql/*/bin 2> /dev/null | sort -V | tail -1)/psql
[ -x "$psql_bin" ] || psql_bin=psql
q() { "$psql_bin" -X -q -v ON_ERROR_STOP=1 -tA "$url" "$@"; }

[ "$(q -c 'SELECT 1')" = 1 ] || fail "SELECT 1"
ok "postgres: SELECT 1"

[ "$(q -c 'SHOW fsync')" = on ] && [ "$(q -c 'SHOW max_connections')" = 200 ] || fail "settings: fsync on, max_connections 200"
ok "postgres: fsync on, max_connections 200"

# LISTEN/NOTIFY: a listener session holds LISTEN while it sleeps (psql prints notifications
# after each command); another session notifies in a transaction that rolls back, then in
# one that commits.
payload=smoke-$RANDOM
PGAPPNAME=smoke-listener q -c "LISTEN smoke_jobs" -c "SELECT pg_sleep(4)" > "$tmp/listen.out" 2>&1 &
listener=$!
for _ in $(seq 1 100); do
  [ "$(q -c "SELECT count(*) FROM pg_stat_activity WHERE application_name = 'smoke-listener' AND query LIKE '%pg_sleep%'")" = 1 ] && break
  sleep 0.1
done
q -c "BEGIN" -c "NOTIFY smoke_jobs, 'rolled-back'" -c "ROLLBACK"
q -c "BEGIN" -c "SELECT pg_notify('smoke_jobs', '$payload')" -c "COMMIT" > /dev/null
wait "$listener" || fail "the LISTEN session failed: $(cat "$tmp/listen.out")"
grep -q "notification \"smoke_jobs\" with payload \"$payload\" received" "$tmp/listen.out" ||
  fail "LISTEN/NOTIFY: the listener did not receive '$payload': $(cat "$tmp/listen.out")"
! grep -q rolled-back "$tmp/listen.out" || fail "LISTEN/NOTIFY: a rolled-back transaction's NOTIFY was delivered"
ok "postgres: LISTEN/NOTIFY between two sessions, delivered at COMMIT only"

# SKIP LOCKED: session A claims 3 of 10 jobs and holds its transaction open; session B
# claims 3 meanwhile and must get 3 others; after A commits, 6 are running, 4 queued.
q -c "CREATE TABLE smoke_jobs (id bigserial PRIMARY KEY, priority int NOT NULL DEFAULT 0,
  state text NOT NULL DEFAULT 'queued', worker text, created_at timestamptz NOT NULL DEFAULT clock_timestamp())" \
  -c "INSERT INTO smoke_jobs (priority) SELECT i % 3 FROM generate_series(1, 10) i"
claim() {
  echo "UPDATE smoke_jobs SET state = 'running', worker = '$1' WHERE id IN (SELECT id FROM smoke_jobs WHERE state = 'queued'
    ORDER BY priority, created_at FOR UPDATE SKIP LOCKED LIMIT 3) RETURNING id"
}
PGAPPNAME=smoke-a q -c "BEGIN" -c "$(claim a)" -c "SELECT pg_sleep(3)" -c "COMMIT" > "$tmp/claim-a.out" 2>&1 &
a=$!
for _ in $(seq 1 100); do
  [ "$(q -c "SELECT count(*) FROM pg_stat_activity WHERE application_name = 'smoke-a' AND query LIKE '%pg_sleep%'")" = 1 ] && break
  sleep 0.1
done
q -c "$(claim b)" > "$tmp/claim-b.out" || fail "SKIP LOCKED: session B's claim failed: $(cat "$tmp/claim-b.out")"
wait "$a" || fail "SKIP LOCKED: session A failed: $(cat "$tmp/claim-a.out")"
ids_a=$(grep -E '^[0-9]+$' "$tmp/claim-a.out" | sort -n | tr '\n' ' ')
ids_b=$(grep -E '^[0-9]+$' "$tmp/claim-b.out" | sort -n | tr '\n' ' ')
[ "$(echo $ids_a $ids_b | tr ' ' '\n' | sort -u | wc -l)" = 6 ] ||
  fail "SKIP LOCKED: two sessions' claims overlap or fall short: A [$ids_a] B [$ids_b]"
[ "$(q -c "SELECT state || ':' || count(*) FROM smoke_jobs GROUP BY state ORDER BY state" | tr '\n' ' ')" = "queued:4 running:6 " ] ||
  fail "SKIP LOCKED: the table does not hold 6 running and 4 queued jobs"
ok "postgres: FOR UPDATE SKIP LOCKED claims by two sessions at once are disjoint (A [$ids_a] B [$ids_b])"

# ---- S3 (SeaweedFS) ---------------------------------------------------------------------
t=$(now)
exports=$(scripts/seaweedfs.sh start "$tmp/s3") || fail "scripts/seaweedfs.sh start"
eval "$exports"
echo "s3: $AWS_ENDPOINT_URL bucket $MERGE_SERVER_S3_BUCKET (started in $(since "$t") s)"
e=$AWS_ENDPOINT_URL
# Every request carries x-amz-content-sha256: libcurl 7.88 signs a hash of the body it
# sends but does not send the header, and SeaweedFS (like AWS) then computes another.
s3() { curl -sS --aws-sigv4 "aws:amz:$AWS_REGION:s3" --user "$AWS_ACCESS_KEY_ID:$AWS_SECRET_ACCESS_KEY" -H "x-amz-content-sha256: UNSIGNED-PAYLOAD" "$@"; }
code() { s3 -o "$tmp/body" -w '%{http_code}' "$@"; }

b=smoke-bucket
[ "$(code -X PUT "$e/$b")" = 200 ] || fail "S3: create bucket $b: $(cat "$tmp/body")"
s3 "$e/" | grep -q "<Name>$b</Name>" || fail "S3: the bucket list does not name $b"
ok "s3: create a bucket"

head -c 300000 /dev/urandom > "$tmp/small.bin"
[ "$(code -T "$tmp/small.bin" "$e/$b/dir/small.bin")" = 200 ] || fail "S3: PUT: $(cat "$tmp/body")"
ok "s3: PUT an object"

[ "$(code "$e/$b/dir/small.bin")" = 200 ] && cmp -s "$tmp/body" "$tmp/small.bin" || fail "S3: GET does not return what was PUT"
ok "s3: GET it back, byte for byte"

[ "$(code -r 1000-1999 "$e/$b/dir/small.bin")" = 206 ] || fail "S3: ranged GET did not answer 206"
[ "$(stat -c %s "$tmp/body")" = 1000 ] && cmp -s -i 1000:0 -n 1000 "$tmp/small.bin" "$tmp/body" || fail "S3: ranged GET returned the wrong bytes"
ok "s3: ranged GET (206, bytes 1000-1999)"

# Multipart: 12 MB in parts of 5, 5 and 2 MB. Pitfall: libcurl 7.88 signs `?uploads` as
# if it had no '='; write `?uploads=`.
head -c $((12 * 1024 * 1024)) /dev/urandom > "$tmp/big.bin"
split -b $((5 * 1024 * 1024)) -d "$tmp/big.bin" "$tmp/part."
[ "$(code -X POST "$e/$b/big.bin?uploads=")" = 200 ] || fail "S3: CreateMultipartUpload: $(cat "$tmp/body")"
upload_id=$(sed -n 's:.*<UploadId>\(.*\)</UploadId>.*:\1:p' "$tmp/body")
[ -n "$upload_id" ] || fail "S3: CreateMultipartUpload returned no UploadId: $(cat "$tmp/body")"
n=0
parts=""
for part in "$tmp"/part.*; do
  n=$((n + 1))
  etag=$(s3 -f -D - -o /dev/null -T "$part" "$e/$b/big.bin?partNumber=$n&uploadId=$upload_id" | tr -d '\r' | sed -n 's/^[Ee][Tt][Aa][Gg]: //p') ||
    fail "S3: UploadPart $n"
  [ -n "$etag" ] || fail "S3: UploadPart $n returned no ETag"
  parts="$parts<Part><PartNumber>$n</PartNumber><ETag>$etag</ETag></Part>"
done
[ "$(code -X POST -H 'Content-Type: application/xml' --data-binary "<CompleteMultipartUpload>$parts</CompleteMultipartUpload>" \
  "$e/$b/big.bin?uploadId=$upload_id")" = 200 ] && grep -q CompleteMultipartUploadResult "$tmp/body" ||
  fail "S3: CompleteMultipartUpload: $(cat "$tmp/body")"
[ "$(code "$e/$b/big.bin")" = 200 ] && cmp -s "$tmp/body" "$tmp/big.bin" || fail "S3: the multipart object does not read back byte for byte"
ok "s3: multipart upload of 12 MB in $n parts, read back byte for byte"

# Presigned GET (query-string SigV4, as video_url/content_url redirects will use).
presign() {
  python3 - "$e" "$AWS_REGION" "$AWS_ACCESS_KEY_ID" "$AWS_SECRET_ACCESS_KEY" "$b" "$1" "$2" "$3" << 'EOF'
import datetime, hashlib, hmac, sys, urllib.parse
endpoint, region, key_id, secret, bucket, key, expires, age = sys.argv[1:9]
u = urllib.parse.urlsplit(endpoint)
now = datetime.datetime.now(datetime.timezone.utc) - datetime.timedelta(seconds=int(age))
amz_date, day = now.strftime("%Y%m%dT%H%M%SZ"), now.strftime("%Y%m%d")
scope = f"{day}/{region}/s3/aws4_request"
path = "/" + urllib.parse.quote(bucket, safe="") + "/" + urllib.parse.quote(key, safe="/~")
query = {"X-Amz-Algorithm": "AWS4-HMAC-SHA256", "X-Amz-Credential": f"{key_id}/{scope}", "X-Amz-Date": amz_date,
         "X-Amz-Expires": expires, "X-Amz-SignedHeaders": "host"}
canonical_query = "&".join(f"{urllib.parse.quote(k, safe='~')}={urllib.parse.quote(v, safe='~')}" for k, v in sorted(query.items()))
canonical = "\n".join(["GET", path, canonical_query, f"host:{u.netloc}\n", "host", "UNSIGNED-PAYLOAD"])
to_sign = "\n".join(["AWS4-HMAC-SHA256", amz_date, scope, hashlib.sha256(canonical.encode()).hexdigest()])
k = ("AWS4" + secret).encode()
for part in (day, region, "s3", "aws4_request"):
    k = hmac.new(k, part.encode(), hashlib.sha256).digest()
signature = hmac.new(k, to_sign.encode(), hashlib.sha256).hexdigest()
print(f"{u.scheme}://{u.netloc}{path}?{canonical_query}&X-Amz-Signature={signature}")
EOF
}
anon() { curl -sS -o "$tmp/body" -w '%{http_code}' "$@"; }
signed=$(presign dir/small.bin 300 0)
[ "$(anon "$signed")" = 200 ] && cmp -s "$tmp/body" "$tmp/small.bin" || fail "S3: presigned GET did not return the object: $(head -c 300 "$tmp/body")"
[ "$(anon -r 0-99 "$signed")" = 206 ] || fail "S3: presigned ranged GET did not answer 206"
ok "s3: presigned GET without credentials (and with a Range)"

[ "$(anon "$e/$b/dir/small.bin")" = 403 ] || fail "S3: an unsigned GET was not refused with 403"
[ "$(curl -sS -o /dev/null -w '%{http_code}' --aws-sigv4 "aws:amz:$AWS_REGION:s3" --user "$AWS_ACCESS_KEY_ID:wrong" \
  -H "x-amz-content-sha256: UNSIGNED-PAYLOAD" "$e/$b/dir/small.bin")" = 403 ] || fail "S3: a wrong secret was not refused with 403"
tampered=${signed%?}
tampered=$tampered$([ "${signed: -1}" = 0 ] && echo 1 || echo 0)
[ "$(anon "$tampered")" = 403 ] || fail "S3: a tampered presigned URL was not refused with 403"
[ "$(anon "$(presign dir/small.bin 60 600)")" = 403 ] || fail "S3: an expired presigned URL (signed 10 min ago for 60 s) was not refused"
ok "s3: refused with 403: unsigned, wrong secret, tampered and expired presigned URLs"

[ "$(code -X DELETE "$e/$b/dir/small.bin")" = 204 ] && [ "$(code "$e/$b/dir/small.bin")" = 404 ] || fail "S3: DELETE then GET did not give 204 then 404"
ok "s3: DELETE (204), then GET 404"

# ---- stop -------------------------------------------------------------------------------
t=$(now)
scripts/seaweedfs.sh stop "$tmp/s3" || fail "scripts/seaweedfs.sh stop"
scripts/postgres.sh stop "$tmp/pg" || fail "scripts/postgres.sh stop"
! "$psql_bin" -X "$url" -c 'SELECT 1' > /dev/null 2>&1 || fail "PostgreSQL still answers after stop"
! curl -s -o /dev/null "$e/" || fail "SeaweedFS still answers after stop"
ok "both stopped ($(since "$t") s)"
echo "services-smoke: $passed passed, 0 failed"
