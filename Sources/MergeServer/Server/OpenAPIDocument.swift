/// The OpenAPI 3.1 description of every route, served at GET /openapi.yaml. A test
/// compares its paths and methods with the router's, so the two cannot drift.
enum OpenAPIDocument {
    static let yaml = #"""
openapi: 3.1.0
info:
  title: MergeServer
  version: 0.5.0
  description: |
    Merges video clips over a song into one video, and analyses songs for beats.

    Upload media once (`POST /api/uploads`) and refer to it by asset id. Long work is
    a durable job: `POST /api/mv/merge_videos` and `POST /api/mv/analyze_audio` answer
    `202` with the job's URLs at once; follow it with `GET /api/jobs/{id}` or the
    Server-Sent Events of `GET /api/jobs/{id}/events`. A finished merge is served,
    with byte ranges, by `GET /api/mv/get_video/{id}`.

    JSON keys are snake_case. Every error is `application/problem+json` (RFC 9457)
    with a stable `type` token, `errors` listing field problems where there are any,
    and a `suggestion` where one helps. Every response carries `X-Request-Id`: the
    client's own when it sent a usable one (1–128 characters of letters, digits and
    `-_.:`), else one the server made; quote it when reporting a problem.
servers:
  - url: http://127.0.0.1:8080
tags:
  - name: assets
    description: Uploaded media (video, audio, images), stored once per content.
  - name: media
    description: Render and analysis requests; each becomes a job.
  - name: jobs
    description: The durable job queue, its states and its event streams.
  - name: videos
    description: Rendered videos and what is known about them.
  - name: operations
    description: Health, metrics and this document.
paths:
  /api/uploads:
    parameters:
      - $ref: '#/components/parameters/X-Request-Id'
    post:
      operationId: uploadAsset
      summary: Upload a media file
      description: |
        Send the file's bytes as the body with its media type (`video/*`, `audio/*`,
        `image/*`, `application/mp4`, `application/ogg` or `application/octet-stream`),
        or as `multipart/form-data` where the first part with a filename (or named
        `file`) is the file and other parts are ignored. The bytes are hashed and
        probed with FFmpeg: the same bytes always make the same asset, so uploading
        them again answers `200` with the asset already stored instead of `201`.
      tags: [assets]
      parameters:
        - name: filename
          in: query
          required: false
          description: The file's name, kept for display and to help pick the stored file's extension. A multipart part's own filename takes precedence.
          schema:
            type: string
      requestBody:
        required: true
        content:
          video/*:
            schema:
              type: string
              contentMediaType: video/*
          audio/*:
            schema:
              type: string
              contentMediaType: audio/*
          image/*:
            schema:
              type: string
              contentMediaType: image/*
          application/octet-stream:
            schema:
              type: string
              contentMediaType: application/octet-stream
          multipart/form-data:
            schema:
              type: object
              required: [file]
              properties:
                file:
                  type: string
                  contentMediaType: application/octet-stream
                  description: The file; its part's Content-Type and filename are kept.
            encoding:
              file:
                contentType: video/*, audio/*, image/*, application/octet-stream
      responses:
        '201':
          description: The asset was created.
          headers:
            X-Request-Id:
              $ref: '#/components/headers/X-Request-Id'
            Location:
              $ref: '#/components/headers/AssetLocation'
          content:
            application/json:
              schema:
                $ref: '#/components/schemas/AssetResource'
        '200':
          description: The same bytes were already stored; this is that asset.
          headers:
            X-Request-Id:
              $ref: '#/components/headers/X-Request-Id'
            Location:
              $ref: '#/components/headers/AssetLocation'
          content:
            application/json:
              schema:
                $ref: '#/components/schemas/AssetResource'
        '400':
          $ref: '#/components/responses/BadRequest'
        '413':
          $ref: '#/components/responses/ContentTooLarge'
        '415':
          $ref: '#/components/responses/UnsupportedMediaType'
        '422':
          $ref: '#/components/responses/UnprocessableContent'
        '500':
          $ref: '#/components/responses/InternalError'
        '507':
          $ref: '#/components/responses/InsufficientStorage'
  /api/assets/{id}:
    parameters:
      - $ref: '#/components/parameters/AssetID'
      - $ref: '#/components/parameters/X-Request-Id'
    get:
      operationId: getAsset
      summary: An asset's metadata and probe
      tags: [assets]
      responses:
        '200':
          description: The asset.
          headers:
            X-Request-Id:
              $ref: '#/components/headers/X-Request-Id'
          content:
            application/json:
              schema:
                $ref: '#/components/schemas/AssetResource'
        '404':
          $ref: '#/components/responses/NotFound'
        '500':
          $ref: '#/components/responses/InternalError'
  /api/assets/{id}/content:
    parameters:
      - $ref: '#/components/parameters/AssetID'
      - $ref: '#/components/parameters/X-Request-Id'
    get:
      operationId: getAssetContent
      summary: An asset's bytes, with byte ranges
      description: |
        The stored file, with `ETag`, `Last-Modified` and `Accept-Ranges: bytes`. One
        `Range` per request is served (206); `If-Range` with a stale validator gets the
        whole file; `If-None-Match` with the current ETag gets 304.
      tags: [assets]
      parameters:
        - $ref: '#/components/parameters/Range'
        - $ref: '#/components/parameters/If-Range'
        - $ref: '#/components/parameters/If-None-Match'
      responses:
        '200':
          $ref: '#/components/responses/AssetFile'
        '206':
          $ref: '#/components/responses/AssetFilePart'
        '304':
          $ref: '#/components/responses/NotModified'
        '404':
          $ref: '#/components/responses/NotFound'
        '416':
          $ref: '#/components/responses/RangeNotSatisfiable'
        '500':
          $ref: '#/components/responses/InternalError'
    head:
      operationId: headAssetContent
      summary: The headers of an asset's bytes
      description: What GET would answer, without the body.
      tags: [assets]
      parameters:
        - $ref: '#/components/parameters/Range'
        - $ref: '#/components/parameters/If-Range'
        - $ref: '#/components/parameters/If-None-Match'
      responses:
        '200':
          $ref: '#/components/responses/FileHeaders'
        '206':
          $ref: '#/components/responses/FilePartHeaders'
        '304':
          $ref: '#/components/responses/NotModified'
        '404':
          $ref: '#/components/responses/NotFound'
        '416':
          $ref: '#/components/responses/RangeNotSatisfiable'
        '500':
          $ref: '#/components/responses/InternalError'
  /api/mv/merge_videos:
    parameters:
      - $ref: '#/components/parameters/X-Request-Id'
    post:
      operationId: mergeVideos
      summary: Render a timeline into one video (a job)
      description: |
        The body is a timeline. It is decoded strictly (an unknown field anywhere is a
        422 naming it) and checked against the stored probes of the assets it names,
        so a timeline that cannot render is refused with every problem listed before
        a job exists. The job's result is a `MergeResult`.
      tags: [media]
      parameters:
        - $ref: '#/components/parameters/Idempotency-Key'
      requestBody:
        required: true
        content:
          application/json:
            schema:
              $ref: '#/components/schemas/Timeline'
            example:
              clips:
                - source: ast_0123456789abcdef01234567
                  in: 0
                  out: 4.5
                - source: ast_89abcdef0123456789abcdef
              transition:
                type: fade
                duration: 0.5
              timing: preserve
              audio:
                source: ast_fedcba9876543210fedcba98
                clip_audio: duck
              beat_sync:
                mode: downbeat
              output:
                width: 1280
                height: 720
                fps: 30
                fit: blur
      responses:
        '202':
          $ref: '#/components/responses/JobAccepted'
        '400':
          $ref: '#/components/responses/BadRequest'
        '409':
          $ref: '#/components/responses/IdempotencyConflict'
        '413':
          $ref: '#/components/responses/ContentTooLarge'
        '415':
          $ref: '#/components/responses/UnsupportedMediaType'
        '422':
          $ref: '#/components/responses/UnprocessableContent'
        '500':
          $ref: '#/components/responses/InternalError'
  /api/mv/analyze_audio:
    parameters:
      - $ref: '#/components/parameters/X-Request-Id'
    post:
      operationId: analyzeAudio
      summary: Find a song's tempo, beats and downbeats (a job)
      description: |
        The song must be an uploaded asset with an audio stream. With
        `scene_durations`, the result also plans scenes over the song. The job's result
        is an `AudioAnalysis`.
      tags: [media]
      parameters:
        - $ref: '#/components/parameters/Idempotency-Key'
      requestBody:
        required: true
        content:
          application/json:
            schema:
              $ref: '#/components/schemas/AnalyzeAudioRequest'
            example:
              audio: ast_fedcba9876543210fedcba98
              scene_durations: [5, 10]
      responses:
        '202':
          $ref: '#/components/responses/JobAccepted'
        '400':
          $ref: '#/components/responses/BadRequest'
        '409':
          $ref: '#/components/responses/IdempotencyConflict'
        '413':
          $ref: '#/components/responses/ContentTooLarge'
        '415':
          $ref: '#/components/responses/UnsupportedMediaType'
        '422':
          $ref: '#/components/responses/UnprocessableContent'
        '500':
          $ref: '#/components/responses/InternalError'
  /api/jobs:
    parameters:
      - $ref: '#/components/parameters/X-Request-Id'
    get:
      operationId: listJobs
      summary: List jobs, newest first
      description: Pages run newest first; pass `next_cursor` as `cursor` for the next page. A bad query parameter is a 400 with every problem in `errors`.
      tags: [jobs]
      parameters:
        - name: status
          in: query
          required: false
          schema:
            $ref: '#/components/schemas/JobStatus'
        - name: kind
          in: query
          required: false
          description: A job kind (merge_videos, analyze_audio).
          schema:
            type: string
            pattern: '^[A-Za-z_]{1,64}$'
            examples: [merge_videos]
        - name: limit
          in: query
          required: false
          schema:
            type: integer
            minimum: 1
            maximum: 200
            default: 50
        - name: cursor
          in: query
          required: false
          description: The `next_cursor` of the previous page (opaque).
          schema:
            type: string
            maxLength: 200
      responses:
        '200':
          description: A page of jobs.
          headers:
            X-Request-Id:
              $ref: '#/components/headers/X-Request-Id'
          content:
            application/json:
              schema:
                $ref: '#/components/schemas/JobPage'
        '400':
          $ref: '#/components/responses/BadRequest'
        '500':
          $ref: '#/components/responses/InternalError'
  /api/jobs/{id}:
    parameters:
      - $ref: '#/components/parameters/JobID'
      - $ref: '#/components/parameters/X-Request-Id'
    get:
      operationId: getJob
      summary: A job's state, progress, error and result
      tags: [jobs]
      responses:
        '200':
          description: The job.
          headers:
            X-Request-Id:
              $ref: '#/components/headers/X-Request-Id'
          content:
            application/json:
              schema:
                $ref: '#/components/schemas/JobResource'
        '404':
          $ref: '#/components/responses/NotFound'
        '500':
          $ref: '#/components/responses/InternalError'
    delete:
      operationId: cancelJob
      summary: Cancel a job
      description: |
        A queued job is canceled at once. A running one is asked to stop (a render
        stops within a second and leaves no output); the answer waits up to three
        seconds for it and is 200 once the job has ended, else 202 with the job as it
        is. Canceling a job already canceled answers 200; one that already succeeded
        or failed is a 409.
      tags: [jobs]
      responses:
        '200':
          description: The job has ended (canceled, or it ended on its own while stopping).
          headers:
            X-Request-Id:
              $ref: '#/components/headers/X-Request-Id'
          content:
            application/json:
              schema:
                $ref: '#/components/schemas/JobResource'
        '202':
          description: The cancel was asked for; the job is still stopping.
          headers:
            X-Request-Id:
              $ref: '#/components/headers/X-Request-Id'
          content:
            application/json:
              schema:
                $ref: '#/components/schemas/JobResource'
        '404':
          $ref: '#/components/responses/NotFound'
        '409':
          $ref: '#/components/responses/Conflict'
        '500':
          $ref: '#/components/responses/InternalError'
  /api/jobs/{id}/events:
    parameters:
      - $ref: '#/components/parameters/JobID'
      - $ref: '#/components/parameters/X-Request-Id'
    get:
      operationId: streamJobEvents
      summary: A job's Server-Sent Events until it ends
      description: |
        First what was missed since `Last-Event-ID` (or, without one, a `status`
        event with the job as it is), then `progress` and `status` events as they
        happen, and `done` last, after which the stream closes. For a job that has
        already ended, `status` and `done` come at once. `data` is one line of JSON:
        a `JobResource` for `status` and `done`, a `JobProgressEvent` for `progress`.
        Events relayed live carry an `id:` to resume from. An idle stream gets a
        `: keep-alive` comment every 15 seconds (configurable).
      tags: [jobs]
      parameters:
        - name: Last-Event-ID
          in: header
          required: false
          description: The id of the last event received; a reconnecting client gets the events after it that are still kept.
          schema:
            type: integer
            minimum: 0
        - name: last_event_id
          in: query
          required: false
          description: The same as the Last-Event-ID header, for clients that cannot set headers; the header wins.
          schema:
            type: integer
            minimum: 0
      responses:
        '200':
          description: The event stream.
          headers:
            X-Request-Id:
              $ref: '#/components/headers/X-Request-Id'
            Cache-Control:
              description: Always `no-cache`.
              schema:
                type: string
                const: no-cache
            X-Accel-Buffering:
              description: Always `no`, so proxies do not buffer the stream.
              schema:
                type: string
                const: 'no'
          content:
            text/event-stream:
              schema:
                type: string
                description: 'Events: `progress` (JobProgressEvent), `status` (JobResource), `done` (JobResource, last).'
              example: |
                id: 1718000000000001
                event: progress
                data: {"eta_seconds":4.2,"progress":0.25,"stage":"rendering"}

                : keep-alive

                id: 1718000000000002
                event: status
                data: {"attempts":1,"created_at":"2025-01-01T00:00:00.000Z", ...}

                id: 1718000000000003
                event: done
                data: {"attempts":1,"created_at":"2025-01-01T00:00:00.000Z", ...}
        '404':
          $ref: '#/components/responses/NotFound'
        '500':
          $ref: '#/components/responses/InternalError'
  /api/mv/get_video/{id}:
    parameters:
      - $ref: '#/components/parameters/VideoID'
      - $ref: '#/components/parameters/X-Request-Id'
    get:
      operationId: getVideo
      summary: A rendered video, with byte ranges
      description: |
        The video file, with `ETag`, `Last-Modified` and `Accept-Ranges: bytes`. One
        `Range` per request is served (206); `If-Range` with a stale validator gets the
        whole file; `If-None-Match` with the current ETag gets 304. A video expires
        with its job.
      tags: [videos]
      parameters:
        - $ref: '#/components/parameters/Range'
        - $ref: '#/components/parameters/If-Range'
        - $ref: '#/components/parameters/If-None-Match'
      responses:
        '200':
          $ref: '#/components/responses/VideoFile'
        '206':
          $ref: '#/components/responses/VideoFilePart'
        '304':
          $ref: '#/components/responses/NotModified'
        '404':
          $ref: '#/components/responses/NotFound'
        '416':
          $ref: '#/components/responses/RangeNotSatisfiable'
        '500':
          $ref: '#/components/responses/InternalError'
    head:
      operationId: headVideo
      summary: The headers of a rendered video
      description: What GET would answer, without the body.
      tags: [videos]
      parameters:
        - $ref: '#/components/parameters/Range'
        - $ref: '#/components/parameters/If-Range'
        - $ref: '#/components/parameters/If-None-Match'
      responses:
        '200':
          $ref: '#/components/responses/FileHeaders'
        '206':
          $ref: '#/components/responses/FilePartHeaders'
        '304':
          $ref: '#/components/responses/NotModified'
        '404':
          $ref: '#/components/responses/NotFound'
        '416':
          $ref: '#/components/responses/RangeNotSatisfiable'
        '500':
          $ref: '#/components/responses/InternalError'
  /api/mv/get_video/{id}/info:
    parameters:
      - $ref: '#/components/parameters/VideoID'
      - $ref: '#/components/parameters/X-Request-Id'
    get:
      operationId: getVideoInfo
      summary: A rendered video's probe, timeline, cuts, beats and processing time
      tags: [videos]
      responses:
        '200':
          description: What is known about the video.
          headers:
            X-Request-Id:
              $ref: '#/components/headers/X-Request-Id'
          content:
            application/json:
              schema:
                $ref: '#/components/schemas/VideoInfo'
        '404':
          $ref: '#/components/responses/NotFound'
        '500':
          $ref: '#/components/responses/InternalError'
  /health:
    parameters:
      - $ref: '#/components/parameters/X-Request-Id'
    get:
      operationId: getHealth
      summary: Whether the server can do its work
      description: 200 when the database answers and the data directory has at least the configured free space, else 503 with the same report and what is wrong in `problems`.
      tags: [operations]
      responses:
        '200':
          description: Healthy.
          headers:
            X-Request-Id:
              $ref: '#/components/headers/X-Request-Id'
            Cache-Control:
              $ref: '#/components/headers/NoStore'
          content:
            application/json:
              schema:
                $ref: '#/components/schemas/HealthReport'
        '503':
          description: Unhealthy; `problems` says why. This is the health report, not a problem document.
          headers:
            X-Request-Id:
              $ref: '#/components/headers/X-Request-Id'
            Cache-Control:
              $ref: '#/components/headers/NoStore'
          content:
            application/json:
              schema:
                $ref: '#/components/schemas/HealthReport'
        '500':
          $ref: '#/components/responses/InternalError'
  /metrics:
    parameters:
      - $ref: '#/components/parameters/X-Request-Id'
    get:
      operationId: getMetrics
      summary: Prometheus metrics
      description: 'The Prometheus text exposition format: HTTP requests and durations, jobs by status (`merge_server_jobs`), `merge_server_queue_depth`, workers busy and total, open event streams.'
      tags: [operations]
      responses:
        '200':
          description: The metrics.
          headers:
            X-Request-Id:
              $ref: '#/components/headers/X-Request-Id'
          content:
            text/plain; version=0.0.4; charset=utf-8:
              schema:
                type: string
              example: |
                # TYPE merge_server_queue_depth gauge
                merge_server_queue_depth 0
                # TYPE merge_server_jobs gauge
                merge_server_jobs{status="succeeded"} 12
        '500':
          $ref: '#/components/responses/InternalError'
  /openapi.yaml:
    parameters:
      - $ref: '#/components/parameters/X-Request-Id'
    get:
      operationId: getOpenAPIDocument
      summary: This document
      tags: [operations]
      responses:
        '200':
          description: The OpenAPI 3.1 description of the API.
          headers:
            X-Request-Id:
              $ref: '#/components/headers/X-Request-Id'
          content:
            application/yaml:
              schema:
                type: string
        '500':
          $ref: '#/components/responses/InternalError'
components:
  parameters:
    X-Request-Id:
      name: X-Request-Id
      in: header
      required: false
      description: A request id of the client's choosing. It is honoured (used on the server's log lines for the request) and echoed in the response's `X-Request-Id` when it is 1–128 characters of letters, digits and `-_.:`; otherwise, or when absent, the server makes one.
      schema:
        type: string
        pattern: '^[A-Za-z0-9._:-]{1,128}$'
    AssetID:
      name: id
      in: path
      required: true
      description: An asset id. A malformed id is a 404 like an unknown one.
      schema:
        $ref: '#/components/schemas/AssetID'
    JobID:
      name: id
      in: path
      required: true
      description: A job id. A malformed id is a 404 like an unknown one.
      schema:
        $ref: '#/components/schemas/JobID'
    VideoID:
      name: id
      in: path
      required: true
      description: A video id. A malformed id is a 404 like an unknown one.
      schema:
        $ref: '#/components/schemas/VideoID'
    Idempotency-Key:
      name: Idempotency-Key
      in: header
      required: false
      description: |
        Makes a retried POST safe: the same key with the same body answers 202 with
        the job the first request made (and `Idempotent-Replayed: true`) instead of
        queuing another; the same key with a different body is a 409. 1–255 visible
        ASCII characters, else 400.
      schema:
        type: string
        minLength: 1
        maxLength: 255
        pattern: '^[!-~]+$'
    Range:
      name: Range
      in: header
      required: false
      description: 'One byte range: `bytes=START-END`, `bytes=START-` or `bytes=-LENGTH`. Several ranges, a malformed range or one past the end is a 416; a unit other than bytes is ignored.'
      schema:
        type: string
        examples: [bytes=0-1023]
    If-Range:
      name: If-Range
      in: header
      required: false
      description: A strong ETag or the exact Last-Modified date; when it does not match, Range is ignored and the whole file is sent.
      schema:
        type: string
    If-None-Match:
      name: If-None-Match
      in: header
      required: false
      description: ETags (or `*`); a match answers 304.
      schema:
        type: string
  headers:
    X-Request-Id:
      description: The request's id (the client's own when usable, else the server's); on every response.
      schema:
        type: string
    AssetLocation:
      description: The asset's URL, `/api/assets/{id}`.
      schema:
        type: string
    JobLocation:
      description: The job's URL, `/api/jobs/{id}`.
      schema:
        type: string
    Idempotent-Replayed:
      description: '`true` when the Idempotency-Key matched an earlier request and this is its job, not a new one.'
      schema:
        type: string
        const: 'true'
    ETag:
      description: A strong validator of the file (size and modification time).
      schema:
        type: string
    Last-Modified:
      description: When the file was written (IMF-fixdate).
      schema:
        type: string
    Accept-Ranges:
      description: Always `bytes`.
      schema:
        type: string
        const: bytes
    Content-Length:
      description: The bytes in the body (of the range, for 206).
      schema:
        type: integer
        minimum: 0
    Content-Range:
      description: '`bytes START-END/SIZE`.'
      schema:
        type: string
        pattern: '^bytes [0-9]+-[0-9]+/[0-9]+$'
    Unsatisfied-Content-Range:
      description: '`bytes */SIZE`: the file''s size.'
      schema:
        type: string
        pattern: '^bytes \*/[0-9]+$'
    FileCache-Control:
      description: '`private, max-age=3600`.'
      schema:
        type: string
    NoStore:
      description: '`no-store`.'
      schema:
        type: string
        const: no-store
  responses:
    JobAccepted:
      description: The job is queued (or, with a replayed Idempotency-Key, this is the job the key made).
      headers:
        X-Request-Id:
          $ref: '#/components/headers/X-Request-Id'
        Location:
          $ref: '#/components/headers/JobLocation'
        Idempotent-Replayed:
          $ref: '#/components/headers/Idempotent-Replayed'
      content:
        application/json:
          schema:
            $ref: '#/components/schemas/JobAccepted'
    AssetFile:
      description: The whole file.
      headers:
        X-Request-Id:
          $ref: '#/components/headers/X-Request-Id'
        ETag:
          $ref: '#/components/headers/ETag'
        Last-Modified:
          $ref: '#/components/headers/Last-Modified'
        Accept-Ranges:
          $ref: '#/components/headers/Accept-Ranges'
        Content-Length:
          $ref: '#/components/headers/Content-Length'
        Cache-Control:
          $ref: '#/components/headers/FileCache-Control'
      content:
        video/*: {}
        audio/*: {}
        image/*: {}
        application/octet-stream: {}
    AssetFilePart:
      description: One range of the file.
      headers:
        X-Request-Id:
          $ref: '#/components/headers/X-Request-Id'
        Content-Range:
          $ref: '#/components/headers/Content-Range'
        ETag:
          $ref: '#/components/headers/ETag'
        Last-Modified:
          $ref: '#/components/headers/Last-Modified'
        Accept-Ranges:
          $ref: '#/components/headers/Accept-Ranges'
        Content-Length:
          $ref: '#/components/headers/Content-Length'
        Cache-Control:
          $ref: '#/components/headers/FileCache-Control'
      content:
        video/*: {}
        audio/*: {}
        image/*: {}
        application/octet-stream: {}
    VideoFile:
      description: The whole video.
      headers:
        X-Request-Id:
          $ref: '#/components/headers/X-Request-Id'
        ETag:
          $ref: '#/components/headers/ETag'
        Last-Modified:
          $ref: '#/components/headers/Last-Modified'
        Accept-Ranges:
          $ref: '#/components/headers/Accept-Ranges'
        Content-Length:
          $ref: '#/components/headers/Content-Length'
        Cache-Control:
          $ref: '#/components/headers/FileCache-Control'
      content:
        video/mp4: {}
        video/quicktime: {}
        video/x-matroska: {}
        video/webm: {}
    VideoFilePart:
      description: One range of the video.
      headers:
        X-Request-Id:
          $ref: '#/components/headers/X-Request-Id'
        Content-Range:
          $ref: '#/components/headers/Content-Range'
        ETag:
          $ref: '#/components/headers/ETag'
        Last-Modified:
          $ref: '#/components/headers/Last-Modified'
        Accept-Ranges:
          $ref: '#/components/headers/Accept-Ranges'
        Content-Length:
          $ref: '#/components/headers/Content-Length'
        Cache-Control:
          $ref: '#/components/headers/FileCache-Control'
      content:
        video/mp4: {}
        video/quicktime: {}
        video/x-matroska: {}
        video/webm: {}
    FileHeaders:
      description: The whole file's headers, without the body.
      headers:
        X-Request-Id:
          $ref: '#/components/headers/X-Request-Id'
        ETag:
          $ref: '#/components/headers/ETag'
        Last-Modified:
          $ref: '#/components/headers/Last-Modified'
        Accept-Ranges:
          $ref: '#/components/headers/Accept-Ranges'
        Content-Length:
          $ref: '#/components/headers/Content-Length'
        Cache-Control:
          $ref: '#/components/headers/FileCache-Control'
    FilePartHeaders:
      description: The headers of one range of the file, without the body.
      headers:
        X-Request-Id:
          $ref: '#/components/headers/X-Request-Id'
        Content-Range:
          $ref: '#/components/headers/Content-Range'
        ETag:
          $ref: '#/components/headers/ETag'
        Last-Modified:
          $ref: '#/components/headers/Last-Modified'
        Accept-Ranges:
          $ref: '#/components/headers/Accept-Ranges'
        Content-Length:
          $ref: '#/components/headers/Content-Length'
        Cache-Control:
          $ref: '#/components/headers/FileCache-Control'
    NotModified:
      description: The client's copy (If-None-Match) is current; no body.
      headers:
        X-Request-Id:
          $ref: '#/components/headers/X-Request-Id'
        ETag:
          $ref: '#/components/headers/ETag'
        Last-Modified:
          $ref: '#/components/headers/Last-Modified'
        Accept-Ranges:
          $ref: '#/components/headers/Accept-Ranges'
        Cache-Control:
          $ref: '#/components/headers/FileCache-Control'
    BadRequest:
      description: 'The request is malformed (`bad_request`, `malformed_json`, `malformed_multipart`, `bad_query`, `bad_idempotency_key`).'
      headers:
        X-Request-Id:
          $ref: '#/components/headers/X-Request-Id'
      content:
        application/problem+json:
          schema:
            $ref: '#/components/schemas/Problem'
    NotFound:
      description: 'Nothing with this id, the id is malformed, or the file has expired (`not_found`).'
      headers:
        X-Request-Id:
          $ref: '#/components/headers/X-Request-Id'
      content:
        application/problem+json:
          schema:
            $ref: '#/components/schemas/Problem'
    Conflict:
      description: 'The job already succeeded or failed; there is nothing to cancel (`job_already_ended`).'
      headers:
        X-Request-Id:
          $ref: '#/components/headers/X-Request-Id'
      content:
        application/problem+json:
          schema:
            $ref: '#/components/schemas/Problem'
    IdempotencyConflict:
      description: 'The Idempotency-Key was used for another job with a different body (`idempotency_conflict`).'
      headers:
        X-Request-Id:
          $ref: '#/components/headers/X-Request-Id'
      content:
        application/problem+json:
          schema:
            $ref: '#/components/schemas/Problem'
    ContentTooLarge:
      description: 'The body is over the limit (`upload_too_large`: MERGE_SERVER_MAX_UPLOAD_BYTES, 2 GiB by default; `body_too_large`: JSON bodies over 8 MiB).'
      headers:
        X-Request-Id:
          $ref: '#/components/headers/X-Request-Id'
      content:
        application/problem+json:
          schema:
            $ref: '#/components/schemas/Problem'
    UnsupportedMediaType:
      description: 'The Content-Type is not one this route takes (`unsupported_media_type`).'
      headers:
        X-Request-Id:
          $ref: '#/components/headers/X-Request-Id'
      content:
        application/problem+json:
          schema:
            $ref: '#/components/schemas/Problem'
    RangeNotSatisfiable:
      description: 'The Range cannot be served (`range_not_satisfiable`); Content-Range gives the file''s size.'
      headers:
        X-Request-Id:
          $ref: '#/components/headers/X-Request-Id'
        Content-Range:
          $ref: '#/components/headers/Unsatisfied-Content-Range'
        Accept-Ranges:
          $ref: '#/components/headers/Accept-Ranges'
      content:
        application/problem+json:
          schema:
            $ref: '#/components/schemas/Problem'
    UnprocessableContent:
      description: 'Well-formed but invalid: `validation_error` with every problem in `errors` (field paths such as `clips[2].out`); for uploads also `empty_upload`, `not_media`, `no_file_part`.'
      headers:
        X-Request-Id:
          $ref: '#/components/headers/X-Request-Id'
      content:
        application/problem+json:
          schema:
            $ref: '#/components/schemas/Problem'
          example:
            type: validation_error
            title: Unprocessable Content
            status: 422
            detail: 'the request has a problem: clips[0].out: must be greater than in (2.0) (got 1.0)'
            errors:
              - field: clips[0].out
                message: must be greater than in (2.0) (got 1.0)
            suggestion: fix the fields listed in errors and send the request again
            request_id: 3f9a0c1d2e4b5a69
    InternalError:
      description: 'The server failed (`internal_error`); quote the request id when reporting it.'
      headers:
        X-Request-Id:
          $ref: '#/components/headers/X-Request-Id'
      content:
        application/problem+json:
          schema:
            $ref: '#/components/schemas/Problem'
    InsufficientStorage:
      description: 'The upload could not be stored (`storage_error`).'
      headers:
        X-Request-Id:
          $ref: '#/components/headers/X-Request-Id'
      content:
        application/problem+json:
          schema:
            $ref: '#/components/schemas/Problem'
  schemas:
    Problem:
      type: object
      description: An error (RFC 9457). `type` is a short stable token to switch on.
      required: [type, title, status, detail]
      properties:
        type:
          type: string
          examples: [validation_error, not_found]
        title:
          type: string
          description: The status's reason phrase.
        status:
          type: integer
        detail:
          type: string
          description: What happened, for a person.
        errors:
          type: array
          description: Field problems (validation errors); absent when there are none.
          items:
            $ref: '#/components/schemas/FieldProblem'
        suggestion:
          type: string
          description: What to do about it.
        request_id:
          type: string
          description: The request's id, as in X-Request-Id.
    FieldProblem:
      type: object
      required: [field, message]
      properties:
        field:
          type: string
          description: 'The field''s path (`clips[2].out`, `audio.source`); empty for the body as a whole.'
        message:
          type: string
    AssetID:
      type: string
      pattern: '^ast_[0-9a-f]{24}$'
      examples: [ast_0123456789abcdef01234567]
    JobID:
      type: string
      pattern: '^job_[0-9a-f]{24}$'
      examples: [job_0123456789abcdef01234567]
    VideoID:
      type: string
      pattern: '^vid_[0-9a-f]{24}$'
      description: The video a job renders has the job's hex digits (job_X renders vid_X).
      examples: [vid_0123456789abcdef01234567]
    Timestamp:
      type: string
      format: date-time
      description: RFC 3339, UTC, with milliseconds.
      examples: ['2025-01-01T12:00:00.000Z']
    AssetKind:
      type: string
      enum: [video, audio, image]
    AssetResource:
      type: object
      required: [id, kind, sha256, size_bytes, created_at, content_url]
      properties:
        id:
          $ref: '#/components/schemas/AssetID'
        kind:
          $ref: '#/components/schemas/AssetKind'
        sha256:
          type: string
          pattern: '^[0-9a-f]{64}$'
        size_bytes:
          type: integer
          format: int64
        content_type:
          type: string
          description: The Content-Type the upload declared (absent when none).
        filename:
          type: string
          description: The upload's file name (absent when none was given).
        media:
          $ref: '#/components/schemas/MediaInfo'
          description: The probe taken on arrival (`path` is the stored file, relative to the data directory).
        created_at:
          $ref: '#/components/schemas/Timestamp'
        content_url:
          type: string
          description: '`/api/assets/{id}/content`.'
    MediaInfo:
      type: object
      description: What FFmpeg reports about a file. Absent streams and unknown values are null, never left out.
      required: [path, format, duration, size_bytes, bit_rate, video, audio]
      properties:
        path:
          type: string
        format:
          type: string
          description: libavformat's format name, as ffprobe prints it.
          examples: ['mov,mp4,m4a,3gp,3g2,mj2']
        duration:
          type: [number, 'null']
          description: Seconds.
        size_bytes:
          type: integer
          format: int64
        bit_rate:
          type: [integer, 'null']
          format: int64
        video:
          anyOf:
            - $ref: '#/components/schemas/VideoStreamInfo'
            - type: 'null'
        audio:
          anyOf:
            - $ref: '#/components/schemas/AudioStreamInfo'
            - type: 'null'
    VideoStreamInfo:
      type: object
      required: [codec, profile, width, height, display_width, display_height, rotation, sar, fps, avg_fps, vfr, pix_fmt, frames, duration]
      properties:
        codec:
          type: string
        profile:
          type: [string, 'null']
        width:
          type: integer
          description: Stored (coded) width.
        height:
          type: integer
        display_width:
          type: integer
          description: The width a player shows (SAR, then rotation, applied).
        display_height:
          type: integer
        rotation:
          type: integer
          enum: [0, 90, 180, 270]
          description: Clockwise degrees a player turns the picture.
        sar:
          type: string
          description: Sample aspect ratio, `num:den`.
          examples: ['1:1']
        fps:
          type: [number, 'null']
          description: The base frame rate (r_frame_rate).
        avg_fps:
          type: [number, 'null']
          description: Frames divided by duration (avg_frame_rate).
        vfr:
          type: boolean
          description: True when frame durations vary.
        pix_fmt:
          type: [string, 'null']
        frames:
          type: [integer, 'null']
          format: int64
        duration:
          type: [number, 'null']
          description: The video stream's own length in seconds.
    AudioStreamInfo:
      type: object
      required: [codec, sample_rate, channels, layout]
      properties:
        codec:
          type: string
        sample_rate:
          type: integer
        channels:
          type: integer
        layout:
          type: [string, 'null']
          examples: [stereo]
    Timeline:
      type: object
      description: |
        A render request (the `merge_videos` body; also the file of `merge-server render
        --timeline`). Every field but `clips` has a default. Unknown fields are refused
        at every level. An explicit null for a field with a default means the default,
        except `audio.loudness`, where null turns normalization off.
      additionalProperties: false
      required: [clips]
      properties:
        clips:
          type: array
          minItems: 1
          items:
            $ref: '#/components/schemas/Clip'
        transition:
          description: The transition of every join, unless `transitions` gives one per join. Default cut.
          anyOf:
            - $ref: '#/components/schemas/Transition'
            - type: 'null'
        transitions:
          description: One transition per join (clips − 1 of them); overrides `transition`.
          type: [array, 'null']
          items:
            $ref: '#/components/schemas/Transition'
        timing:
          $ref: '#/components/schemas/TimingMode'
        audio:
          description: The soundtrack. Absent, the clips' own audio is the soundtrack.
          anyOf:
            - $ref: '#/components/schemas/Soundtrack'
            - type: 'null'
        beat_sync:
          anyOf:
            - $ref: '#/components/schemas/BeatSync'
            - type: 'null'
        output:
          $ref: '#/components/schemas/OutputSettings'
    Clip:
      type: object
      additionalProperties: false
      required: [source]
      properties:
        source:
          type: string
          description: An uploaded video's asset id. (URLs are not fetched by this server yet; paths are for the command line only.)
          examples: [ast_0123456789abcdef01234567]
        in:
          type: number
          minimum: 0
          default: 0
          description: Seconds into the source where the clip starts; before the end of the media.
        out:
          type: [number, 'null']
          default: null
          description: Seconds into the source where the clip ends, greater than `in` and at most the media's end; null means the end of the media.
        volume:
          type: number
          minimum: 0
          maximum: 10
          default: 1
          description: Gain for the clip's own audio.
    Transition:
      type: object
      additionalProperties: false
      required: [type]
      properties:
        type:
          type: string
          description: '`cut` or an FFmpeg xfade transition.'
          enum: [cut, fade, wipeleft, wiperight, wipeup, wipedown, slideleft, slideright, slideup, slidedown,
                 circlecrop, rectcrop, distance, fadeblack, fadewhite, radial, smoothleft, smoothright,
                 smoothup, smoothdown, circleopen, circleclose, vertopen, vertclose, horzopen, horzclose,
                 dissolve, pixelize, diagtl, diagtr, diagbl, diagbr, hlslice, hrslice, vuslice, vdslice,
                 hblur, fadegrays, wipetl, wipetr, wipebl, wipebr, squeezeh, squeezev, zoomin,
                 fadefast, fadeslow]
        duration:
          type: number
          minimum: 0
          default: 0.5
          description: Seconds; ignored (0) for `cut`. At most half of the shorter neighbouring clip.
    TimingMode:
      type: string
      enum: [overlap, preserve]
      default: overlap
      description: '`overlap`: a transition overlaps the two clips (total = Σclips − Σtransitions). `preserve`: every join stays where a hard cut would put it, each side giving half (total = Σclips).'
    ClipAudioMode:
      type: string
      enum: [mute, mix, duck]
      description: What happens to the clips' own audio under the song. `duck` lowers it by sidechain compression under the music.
    Soundtrack:
      type: object
      additionalProperties: false
      properties:
        source:
          type: [string, 'null']
          default: null
          description: The song's asset id (audio or video with sound). Null keeps only the clips' audio, still normalized to `loudness`.
          examples: [ast_fedcba9876543210fedcba98]
        start:
          type: number
          minimum: 0
          default: 0
          description: Seconds into the song where the soundtrack starts; before its end.
        volume:
          type: number
          minimum: 0
          maximum: 10
          default: 1
        fade_in:
          type: number
          minimum: 0
          default: 0
          description: Seconds.
        fade_out:
          type: number
          minimum: 0
          default: 1
          description: Seconds.
        loop:
          type: boolean
          default: false
          description: Loop the song when the video is longer.
        clip_audio:
          $ref: '#/components/schemas/ClipAudioMode'
          description: Default `mute` with a song, `mix` without one.
        clip_audio_volume:
          type: number
          minimum: 0
          maximum: 10
          default: 1
        loudness:
          type: [number, 'null']
          minimum: -70
          maximum: -5
          default: -14
          description: Target integrated loudness of the final mix, LUFS (EBU R128); null turns normalization off.
        true_peak:
          type: number
          minimum: -9
          maximum: 0
          default: -1
          description: Ceiling for the true peak, dBTP.
    BeatSync:
      type: object
      description: Moves each join to the nearest beat (or downbeat, every N) of the song by trimming clip outs, never past a clip's media nor by more than `max_shift`. Needs `audio.source` unless `mode` is `off`.
      additionalProperties: false
      properties:
        mode:
          type: string
          enum: [beat, downbeat, 'off']
          default: 'off'
        every:
          type: integer
          minimum: 1
          default: 1
          description: Use every Nth beat (or downbeat).
        max_shift:
          type: number
          minimum: 0
          maximum: 2
          default: 0.25
          description: Seconds a join may move.
    OutputSettings:
      type: object
      additionalProperties: false
      properties:
        width:
          type: [integer, 'null']
          minimum: 16
          maximum: 4096
          multipleOf: 2
          default: null
          description: Give both width and height, or neither (null - the first clip's display size, made even).
        height:
          type: [integer, 'null']
          minimum: 16
          maximum: 4096
          multipleOf: 2
          default: null
        fps:
          type: [number, 'null']
          exclusiveMinimum: 0
          maximum: 120
          default: null
          description: Constant output frame rate; null means the first clip's.
        fit:
          type: string
          enum: [contain, cover, blur]
          default: contain
          description: 'How a clip of another shape fills the frame: scaled inside and padded with `background` (contain), scaled to fill and cropped (cover), or contained over a blurred copy of itself (blur).'
        background:
          type: string
          default: '#000000'
          description: A colour FFmpeg understands (`#RRGGBB` or a name such as `black`).
        video_codec:
          type: [string, 'null']
          enum: [h264, hevc, vp9, null]
          default: null
          description: Null means h264, or vp9 in webm (which takes only vp9).
        audio_codec:
          type: [string, 'null']
          enum: [aac, opus, null]
          default: null
          description: Null means aac, or opus in webm (which takes only opus).
        container:
          type: [string, 'null']
          enum: [mp4, mov, mkv, webm, null]
          default: null
          description: Null means mp4.
        crf:
          type: integer
          minimum: 0
          maximum: 51
          default: 23
        preset:
          type: string
          default: veryfast
          description: 'The x264/x265 preset: ultrafast, superfast, veryfast, faster, fast, medium, slow, slower, veryslow (not checked for vp9).'
        audio_bitrate:
          type: integer
          minimum: 32000
          maximum: 512000
          default: 192000
          description: Bits per second.
    AnalyzeAudioRequest:
      type: object
      additionalProperties: false
      required: [audio]
      properties:
        audio:
          $ref: '#/components/schemas/AssetID'
          description: An uploaded asset with an audio stream (not an image).
        scene_durations:
          type: array
          minItems: 1
          maxItems: 16
          description: Clip durations (seconds) the generation model can make; given, the result plans scenes over the song.
          items:
            type: number
            minimum: 0.5
            maximum: 600
    JobStatus:
      type: string
      enum: [queued, running, succeeded, failed, canceled]
      description: '`queued → running → succeeded | failed | canceled`; a running job may go back to `queued` (a retry after a transient failure, or a graceful shutdown).'
    JobAccepted:
      type: object
      required: [job_id, status, status_url, events_url]
      properties:
        job_id:
          $ref: '#/components/schemas/JobID'
        status:
          $ref: '#/components/schemas/JobStatus'
        status_url:
          type: string
          description: '`/api/jobs/{id}`.'
        events_url:
          type: string
          description: '`/api/jobs/{id}/events`.'
    JobFailure:
      type: object
      description: Why a job failed or was canceled.
      required: [type, message]
      properties:
        type:
          type: string
          description: A stable token.
          examples: [validation_error, canceled, interrupted]
        message:
          type: string
        suggestion:
          type: string
        transient:
          type: boolean
          const: true
          description: Present (true) when the failure was transient and is retried with backoff.
    JobResource:
      type: object
      required: [id, kind, status, progress, stage, eta_seconds, attempts, error, result, created_at, started_at, finished_at, expires_at, status_url, events_url]
      properties:
        id:
          $ref: '#/components/schemas/JobID'
        kind:
          type: string
          examples: [merge_videos, analyze_audio]
        status:
          $ref: '#/components/schemas/JobStatus'
        progress:
          type: number
          minimum: 0
          maximum: 1
        stage:
          type: [string, 'null']
          examples: [rendering]
        eta_seconds:
          type: [number, 'null']
        attempts:
          type: integer
          minimum: 0
        error:
          anyOf:
            - $ref: '#/components/schemas/JobFailure'
            - type: 'null'
        result:
          description: Null until the job succeeds; a MergeResult for merge_videos, an AudioAnalysis for analyze_audio.
          anyOf:
            - $ref: '#/components/schemas/MergeResult'
            - $ref: '#/components/schemas/AudioAnalysis'
            - type: 'null'
        created_at:
          $ref: '#/components/schemas/Timestamp'
        started_at:
          anyOf:
            - $ref: '#/components/schemas/Timestamp'
            - type: 'null'
        finished_at:
          anyOf:
            - $ref: '#/components/schemas/Timestamp'
            - type: 'null'
        expires_at:
          description: When a finished job and its video will be removed.
          anyOf:
            - $ref: '#/components/schemas/Timestamp'
            - type: 'null'
        status_url:
          type: string
        events_url:
          type: string
    JobProgressEvent:
      type: object
      description: The data of an SSE `progress` event.
      required: [progress, stage]
      properties:
        progress:
          type: number
          minimum: 0
          maximum: 1
        stage:
          type: string
        eta_seconds:
          type: number
    JobPage:
      type: object
      required: [jobs, next_cursor]
      properties:
        jobs:
          type: array
          items:
            $ref: '#/components/schemas/JobResource'
        next_cursor:
          type: [string, 'null']
          description: The cursor of the next page; null on the last one.
    MergeResult:
      type: object
      description: The result of a merge_videos job.
      required: [video_id, video_url, info, cuts, beats]
      properties:
        video_id:
          $ref: '#/components/schemas/VideoID'
        video_url:
          type: string
          description: '`/api/mv/get_video/{id}`.'
        info:
          $ref: '#/components/schemas/VideoSummary'
        cuts:
          type: array
          description: The join times in the output, seconds.
          items:
            type: number
        beats:
          type: array
          description: The song's beats used by beat_sync (empty without it).
          items:
            type: number
    VideoSummary:
      type: object
      required: [duration, width, height, fps, frames, size_bytes, video_copied, processing_seconds]
      properties:
        duration:
          type: number
        width:
          type: integer
        height:
          type: integer
        fps:
          type: number
        frames:
          type: integer
          format: int64
        size_bytes:
          type: integer
          format: int64
        measured_loudness:
          type: number
          description: The mix's integrated loudness before normalization, LUFS (absent when not measured).
        loudness_gain:
          type: number
          description: The gain applied to reach the target loudness, dB (absent when not normalized).
        video_copied:
          type: boolean
          description: True when the video was stream-copied (no re-encode).
        processing_seconds:
          type: number
    VideoInfo:
      type: object
      required: [video_id, job_id, summary, probe, timeline, cuts, beats, created_at]
      properties:
        video_id:
          $ref: '#/components/schemas/VideoID'
        job_id:
          $ref: '#/components/schemas/JobID'
        summary:
          $ref: '#/components/schemas/VideoSummary'
        probe:
          $ref: '#/components/schemas/MediaInfo'
        timeline:
          $ref: '#/components/schemas/Timeline'
          description: The timeline the video was made from, with its defaults filled in.
        cuts:
          type: array
          items:
            type: number
        beats:
          type: array
          items:
            type: number
        created_at:
          $ref: '#/components/schemas/Timestamp'
    AudioAnalysis:
      type: object
      description: The result of an analyze_audio job.
      required: [duration, tempo, beats, downbeats, beats_per_bar, confidence]
      properties:
        duration:
          type: number
          description: Seconds.
        tempo:
          type: number
          description: Beats per minute; 0 when no steady beat was found.
        beats:
          type: array
          description: Beat times, seconds.
          items:
            type: number
        downbeats:
          type: array
          description: The beats that start a bar.
          items:
            type: number
        beats_per_bar:
          type: integer
        confidence:
          type: number
          minimum: 0
          maximum: 1
          description: 0 (no steady beat) … 1 (a clear, steady pulse).
        scenes:
          type: array
          description: Present when `scene_durations` was given. Slots covering the song, each starting and ending on a downbeat (or beat) where one is in reach.
          items:
            $ref: '#/components/schemas/SceneSlot'
    SceneSlot:
      type: object
      required: [index, start, end, duration, generate_duration]
      properties:
        index:
          type: integer
        start:
          type: number
        end:
          type: number
        duration:
          type: number
        generate_duration:
          type: number
          description: The producible duration to generate, the shortest at least as long as the slot.
    HealthReport:
      type: object
      required: [status, version, uptime_seconds, database, disk, queue, workers, event_streams, problems]
      properties:
        status:
          type: string
          enum: [ok, unhealthy]
        version:
          type: string
        uptime_seconds:
          type: number
        database:
          type: object
          required: [ok, path]
          properties:
            ok:
              type: boolean
            path:
              type: string
        disk:
          type: object
          required: [ok, free_bytes, total_bytes, min_free_bytes]
          properties:
            ok:
              type: boolean
            free_bytes:
              type: integer
              format: int64
            total_bytes:
              type: integer
              format: int64
            min_free_bytes:
              type: integer
              format: int64
        queue:
          type: object
          required: [queued, running]
          properties:
            queued:
              type: integer
            running:
              type: integer
        workers:
          type: object
          required: [total, busy]
          properties:
            total:
              type: integer
            busy:
              type: integer
        event_streams:
          type: integer
          description: Open SSE subscriptions.
        problems:
          type: array
          items:
            type: string
"""#
}
