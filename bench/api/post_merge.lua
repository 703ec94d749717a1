-- wrk script: POST the same merge_videos timeline (no Idempotency-Key: every request is a new job).
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.body = os.getenv("MERGE_BODY")
