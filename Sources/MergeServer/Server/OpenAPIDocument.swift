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
    with byte ranges, by `GET /api/mv/get_video/{id}`. Any job POST takes
    `?wait=SECONDS` (0–110): the answer then waits for the job and is `200` with the
    finished job when it ends in time, else the usual `202`.

    Generation (`POST /api/mv/create_scenes`, `/api/mv/generate_character_reference`,
    `/api/mv/generate_video`, `/api/mv/music_video`) runs models from a catalog
    (`GET /api/models`) on Replicate, FAL, Gemini or an OpenAI-compatible server. A
    provider without an API key in the server's environment is played by a local mock
    provider (test-pattern clips, drawn images, deterministic scenes), so every
    endpoint works offline; results then say `is_mock: true`. Requests are checked
    against the model before a job exists, and `budget_usd` refuses work estimated
    over it before anything is spent. Costs are estimated and recorded at the
    catalog's list prices (`GET /api/costs`), not read from the providers' bills.

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
  - name: generation
    description: Scenes, images and clips made by generation models, music videos made of them, the model catalog and what generation costs.
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
        a job exists. The job's result is a `MergeResult`. With `?wait=SECONDS` the
        answer is the finished job (200) when the render ends in time.
      tags: [media]
      parameters:
        - $ref: '#/components/parameters/Idempotency-Key'
        - $ref: '#/components/parameters/Wait'
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
        '200':
          $ref: '#/components/responses/JobFinished'
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
        - $ref: '#/components/parameters/Wait'
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
        '200':
          $ref: '#/components/responses/JobFinished'
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
  /api/mv/create_scenes:
    parameters:
      - $ref: '#/components/parameters/X-Request-Id'
    post:
      operationId: createScenes
      summary: Write scenes (description and video prompt) for an idea (a job)
      description: |
        A scenes model (`model`, default the catalog's default scenes model) turns the
        idea, with optional lyrics and style, into `num_scenes` scenes, each with a
        description and a prompt for a video model. With `audio` (an uploaded song) the
        scenes are timed on the song's downbeats and the result has its `tempo`;
        without it each scene is 5 seconds. `num_scenes` defaults to one per 5 seconds
        of the song (at most 50), else 6.

        Everything is checked before a job exists (422 with every problem in
        `errors`): an unknown model is refused with the valid ones listed, an `audio`
        that is not an uploaded asset with sound likewise, and when `budget_usd` is
        given, work estimated over it is refused before anything is spent.
        `JobAccepted.estimated_cost_usd` is the estimate at the catalog's list
        prices. When the model's provider has no API key here, the mock provider
        writes the scenes (free) and the result says `is_mock: true`. The job's result
        is a `CreateScenesResult`.
      tags: [generation]
      parameters:
        - $ref: '#/components/parameters/Idempotency-Key'
        - $ref: '#/components/parameters/Wait'
      requestBody:
        required: true
        content:
          application/json:
            schema:
              $ref: '#/components/schemas/CreateScenesRequest'
            example:
              idea: A lighthouse keeper befriends a whale over one stormy night
              lyrics: The light goes round, the sea comes in
              audio: ast_fedcba9876543210fedcba98
              style: painterly, moody blue tones
              model: gemini-2.5-flash
              budget_usd: 0.05
      responses:
        '200':
          $ref: '#/components/responses/JobFinished'
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
  /api/mv/generate_character_reference:
    parameters:
      - $ref: '#/components/parameters/X-Request-Id'
    post:
      operationId: generateCharacterReference
      summary: Generate an image from a prompt, stored as an asset (a job)
      description: |
        An image model (`model`, default the catalog's default image model) draws the
        prompt, typically a character sheet to start video clips from. The image is
        stored as an asset (`asset_id`), ready to pass as `image` to
        `generate_video` or `music_video`. `aspect_ratio` must be one the model
        accepts (default its first, else `1:1`).

        Everything is checked before a job exists (422 with every problem in
        `errors`): an unknown model is refused with the valid ones listed, an aspect
        ratio the model cannot make with the ones it can, and when `budget_usd` is
        given, work estimated over it is refused before anything is spent. Costs are
        estimated at the catalog's list prices (`estimated_cost_usd`). When the
        model's provider has no API key here, the mock provider draws a PNG from the
        prompt (free) and the result says `is_mock: true`. The job's result is a
        `GeneratedAssetResult`.
      tags: [generation]
      parameters:
        - $ref: '#/components/parameters/Idempotency-Key'
        - $ref: '#/components/parameters/Wait'
      requestBody:
        required: true
        content:
          application/json:
            schema:
              $ref: '#/components/schemas/CharacterReferenceRequest'
            example:
              prompt: Character sheet of an old lighthouse keeper in a yellow raincoat, full body, front view, plain background
              aspect_ratio: '16:9'
              model: imagen-4
              budget_usd: 0.1
      responses:
        '200':
          $ref: '#/components/responses/JobFinished'
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
  /api/mv/generate_video:
    parameters:
      - $ref: '#/components/parameters/X-Request-Id'
    post:
      operationId: generateVideo
      summary: Generate one video clip from a prompt and an optional start image (a job)
      description: |
        A video model (`model`, default the catalog's default video model) makes one
        clip. `duration`, `aspect_ratio` and `resolution` must be ones the model
        makes (`GET /api/models`; defaults: its first duration, else 5 seconds, and its
        first aspect ratio, else `16:9`). `image` is the start frame: an image asset
        id or an http(s) URL (fetched when the job runs); image-to-video models
        (`requires_image`) need one. The clip is stored as an asset and also served as
        the job's video (`video_url`, with byte ranges; its `/info` says how it was
        generated).

        Everything is checked before a job exists (422 with every problem in
        `errors`): an unknown model is refused with the valid ones listed, a duration
        the model cannot make with the ones it can (likewise aspect ratio and
        resolution), an `image` asset that is missing or not an image, and when
        `budget_usd` is given, work estimated over it is refused before anything is
        spent. Costs are estimated at the catalog's list prices
        (`estimated_cost_usd`). When the model's provider has no API key here, the
        mock provider synthesizes a
        test-pattern clip with the prompt drawn on it (free) and the result says
        `is_mock: true`. The job's result is a `GeneratedAssetResult`.
      tags: [generation]
      parameters:
        - $ref: '#/components/parameters/Idempotency-Key'
        - $ref: '#/components/parameters/Wait'
      requestBody:
        required: true
        content:
          application/json:
            schema:
              $ref: '#/components/schemas/GenerateVideoRequest'
            example:
              prompt: The keeper climbs the spiral stairs with a lantern as waves crash outside, slow dolly in
              model: kling-v2.1
              duration: 5
              aspect_ratio: '16:9'
              resolution: 720p
              image: ast_0123456789abcdef01234567
              seed: 7
              negative_prompt: blurry, text, watermark
              budget_usd: 0.5
      responses:
        '200':
          $ref: '#/components/responses/JobFinished'
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
  /api/mv/music_video:
    parameters:
      - $ref: '#/components/parameters/X-Request-Id'
    post:
      operationId: musicVideo
      summary: Make a whole music video from an idea and a song (a job)
      description: |
        One job does it all: analyses the song's beats, plans one scene per span
        between downbeats at lengths the video model makes, writes the scenes
        (`scenes_model`), generates a character reference (`image_model`) unless
        `image` gives a start image, generates every clip from it (`model`, several
        at once; a clip that fails transiently is retried on its own), and merges them
        over the song with the cuts on the downbeats (`transition`, default hard
        cuts). Stages: `analyzing`, `planning`, `reference`, `generating`, `merging`.
        Finished clips are checkpointed, so a job resumed after a crash or a transient
        failure pays only for what it has not made yet. The video is served like a
        merge's (`video_url`).

        Everything is checked before a job exists, the scene plan included (422 with
        every problem in `errors`): unknown models are refused with the valid ones
        listed, an aspect ratio or resolution the model cannot make with the ones it
        can, a song that needs more than 100 scenes, and when `budget_usd` is given,
        work estimated over it (scenes, reference image and every clip) is refused
        before anything is spent. Costs are estimated at the catalog's list prices
        (`estimated_cost_usd`). Any model whose provider has no API key here is
        played by the mock provider (free); `is_mock` in the result is true when any
        clip was mocked. The job's result is a `MusicVideoResult`.
      tags: [generation]
      parameters:
        - $ref: '#/components/parameters/Idempotency-Key'
        - $ref: '#/components/parameters/Wait'
      requestBody:
        required: true
        content:
          application/json:
            schema:
              $ref: '#/components/schemas/MusicVideoRequest'
            example:
              idea: A lighthouse keeper befriends a whale over one stormy night
              audio: ast_fedcba9876543210fedcba98
              model: kling-v2.1
              image_model: imagen-4
              scenes_model: gemini-2.5-flash
              aspect_ratio: '16:9'
              resolution: 720p
              style: painterly, moody blue tones
              transition:
                type: dissolve
                duration: 0.3
              budget_usd: 5
      responses:
        '200':
          $ref: '#/components/responses/JobFinished'
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
  /api/models:
    parameters:
      - $ref: '#/components/parameters/X-Request-Id'
    get:
      operationId: listModels
      summary: The model catalog, and which models run for real here
      description: |
        Every model of the catalog (built in, plus `MERGE_SERVER_MODELS`) with what it
        accepts (durations, aspect ratios, resolutions, whether it needs a start
        image) and its list price. `available` is false when the model's provider has
        no API key here: the mock provider then plays the model, free. `defaults`
        names the model a request that names none gets, per kind: the first preferred
        model whose provider has a key, else the first, played by the mock.
      tags: [generation]
      parameters:
        - name: kind
          in: query
          required: false
          description: Only models of this kind; anything else is a 400 (`bad_filter`). `defaults` always covers every kind.
          schema:
            $ref: '#/components/schemas/ModelKind'
      responses:
        '200':
          description: The catalog.
          headers:
            X-Request-Id:
              $ref: '#/components/headers/X-Request-Id'
          content:
            application/json:
              schema:
                $ref: '#/components/schemas/ModelList'
              example:
                models:
                  - id: kling-v2.1
                    provider: replicate
                    path: kwaivgi/kling-v2.1
                    kind: video
                    description: Kling 2.1 image-to-video (standard 720p, pro 1080p)
                    durations: [5, 10]
                    aspect_ratios: ['16:9', '9:16', '1:1']
                    resolutions: [720p, 1080p]
                    requires_image: true
                    price:
                      per_second: 0.05
                    defaults:
                      mode: standard
                    available: false
                  - id: mock-video
                    provider: mock
                    path: mock
                    kind: video
                    description: Test-pattern clips synthesized locally, the prompt drawn on the frames; free
                    durations: []
                    aspect_ratios: ['16:9', '9:16', '1:1', '4:3', '3:4']
                    resolutions: [512p, 720p, 768p, 1080p]
                    requires_image: false
                    price: {}
                    defaults: {}
                    available: true
                defaults:
                  video: kling-v2.1
                  image: imagen-4
                  scenes: gemini-2.5-flash
        '400':
          $ref: '#/components/responses/BadRequest'
        '500':
          $ref: '#/components/responses/InternalError'
  /api/costs:
    parameters:
      - $ref: '#/components/parameters/X-Request-Id'
    get:
      operationId: getCosts
      summary: What generation cost, by day and model
      description: |
        Sums of the cost rows of generation jobs between two UTC days, both included
        (by default the 30 days ending today; with only `from`, up to today; with only
        `to`, the 30 days ending then), by day (when the job was accepted) and model,
        newest day first. `estimated_usd` is what the work was estimated at when the
        job was accepted, `actual_usd` what the provider calls that finished cost;
        both are at the catalog's list prices, not read from the providers' bills,
        and mock runs cost nothing (`mock_jobs` counts them). A malformed date, or
        `from` after `to`, is a 400 (`bad_filter`).
      tags: [generation]
      parameters:
        - name: from
          in: query
          required: false
          description: The first UTC day, `YYYY-MM-DD`.
          schema:
            type: string
            format: date
            pattern: '^[0-9]{4}-[0-9]{2}-[0-9]{2}$'
            examples: ['2026-11-01']
        - name: to
          in: query
          required: false
          description: The last UTC day, `YYYY-MM-DD`; default today.
          schema:
            type: string
            format: date
            pattern: '^[0-9]{4}-[0-9]{2}-[0-9]{2}$'
            examples: ['2026-11-30']
      responses:
        '200':
          description: The spend.
          headers:
            X-Request-Id:
              $ref: '#/components/headers/X-Request-Id'
          content:
            application/json:
              schema:
                $ref: '#/components/schemas/CostSummary'
              example:
                from: '2026-11-01'
                to: '2026-11-30'
                estimated_usd: 3.29
                actual_usd: 3.04
                by_day_and_model:
                  - day: '2026-11-21'
                    model: kling-v2.1
                    provider: replicate
                    jobs: 2
                    estimated_usd: 3.25
                    actual_usd: 3
                    mock_jobs: 0
                  - day: '2026-11-21'
                    model: imagen-4
                    provider: replicate
                    jobs: 1
                    estimated_usd: 0.04
                    actual_usd: 0.04
                    mock_jobs: 0
        '400':
          $ref: '#/components/responses/BadRequest'
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
          description: A job kind (merge_videos, analyze_audio, create_scenes, generate_character_reference, generate_video, music_video).
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
      description: A `VideoInfo` for a video merged from a timeline (merge_videos, music_video); a `GeneratedVideoInfo` for the clip of a generate_video job.
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
                anyOf:
                  - $ref: '#/components/schemas/VideoInfo'
                  - $ref: '#/components/schemas/GeneratedVideoInfo'
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
        Makes a retried POST safe: the same key with the same body answers with the
        job the first request made (202, or 200 when `wait` saw it finish; with
        `Idempotent-Replayed: true`) instead of queuing another; the same key with a
        different body is a 409. 1–255 visible ASCII characters, else 400.
      schema:
        type: string
        minLength: 1
        maxLength: 255
        pattern: '^[!-~]+$'
    Wait:
      name: wait
      in: query
      required: false
      description: |
        Seconds (0–110, fractions allowed) to wait for the job before answering. When
        the job ends (succeeded, failed or canceled) in time, the answer is 200 with the
        finished job; otherwise, or with 0 or without `wait`, it is the 202 of a queued
        job. Anything else is a 400 (`bad_wait`); for longer work, poll
        `GET /api/jobs/{id}` or follow its events.
      schema:
        type: number
        minimum: 0
        maximum: 110
        examples: [60]
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
    JobFinished:
      description: With `?wait`, the job ended in time (succeeded, failed or canceled); this is the finished job, as `GET /api/jobs/{id}` shows it (or, with a replayed Idempotency-Key, the job the key made).
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
            $ref: '#/components/schemas/JobResource'
    JobAccepted:
      description: The job is queued (or, with a replayed Idempotency-Key, this is the job the key made); with `?wait`, it did not end in time.
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
      description: 'The request is malformed (`bad_request`, `malformed_json`, `malformed_multipart`, `bad_query`, `bad_idempotency_key`, `bad_wait`: a `wait` outside 0–110 seconds, `bad_filter`: a bad `kind`, `from` or `to`).'
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
      description: 'Well-formed but invalid: `validation_error` with every problem in `errors` (field paths such as `clips[2].out`, `budget_usd`), an unknown field included; for generation, an unknown model (listing the valid ones), a value the model cannot take (listing the ones it can) or an estimate over `budget_usd`; for uploads also `empty_upload`, `not_media`, `no_file_part`.'
      headers:
        X-Request-Id:
          $ref: '#/components/headers/X-Request-Id'
      content:
        application/problem+json:
          schema:
            $ref: '#/components/schemas/Problem'
          examples:
            timeline:
              summary: A timeline that cannot render
              value:
                type: validation_error
                title: Unprocessable Content
                status: 422
                detail: 'the request has a problem: clips[0].out: must be greater than in (2.0) (got 1.0)'
                errors:
                  - field: clips[0].out
                    message: must be greater than in (2.0) (got 1.0)
                suggestion: fix the fields listed in errors and send the request again
                request_id: 3f9a0c1d2e4b5a69
            unknown_model:
              summary: An unknown model; the message lists the valid ones
              value:
                type: validation_error
                title: Unprocessable Content
                status: 422
                detail: 'the request has a problem: model: unknown video model "sora"; valid: kling-v2.1, hailuo-02, veo-3.1, fal-kling-2.1, fal-kling-2.1-pro, fal-hailuo-02, gemini-veo-3.1, mock-video'
                errors:
                  - field: model
                    message: 'unknown video model "sora"; valid: kling-v2.1, hailuo-02, veo-3.1, fal-kling-2.1, fal-kling-2.1-pro, fal-hailuo-02, gemini-veo-3.1, mock-video'
                suggestion: fix the fields listed in errors and send the request again
                request_id: 3f9a0c1d2e4b5a69
            unsupported_duration:
              summary: A duration the model cannot make; the message lists the ones it can
              value:
                type: validation_error
                title: Unprocessable Content
                status: 422
                detail: 'the request has a problem: duration: kling-v2.1 makes clips of 5 or 10 seconds, not 7'
                errors:
                  - field: duration
                    message: kling-v2.1 makes clips of 5 or 10 seconds, not 7
                suggestion: fix the fields listed in errors and send the request again
                request_id: 3f9a0c1d2e4b5a69
            over_budget:
              summary: Work estimated over budget_usd, refused before anything is spent
              value:
                type: validation_error
                title: Unprocessable Content
                status: 422
                detail: 'the request has a problem: budget_usd: the work is estimated at $0.5000, over the budget of $0.2000; raise budget_usd or choose a cheaper model'
                errors:
                  - field: budget_usd
                    message: the work is estimated at $0.5000, over the budget of $0.2000; raise budget_usd or choose a cheaper model
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
        estimated_cost_usd:
          type: number
          minimum: 0
          description: Generation jobs only (absent for others) - what the accepted work is estimated to cost at the catalog's list prices, in USD, even when mock providers will play it.
    JobFailure:
      type: object
      description: Why a job failed or was canceled.
      required: [type, message]
      properties:
        type:
          type: string
          description: |
            A stable token. Media jobs: `validation_error`, `canceled`, `interrupted`,
            `unsupported`. Generation jobs add the providers' failures: `authentication`
            (check the API key), `insufficient_credit`, `rate_limited`, `validation` (the
            provider refused the parameters, or a stored request or asset is gone),
            `content_flagged` (the safety filter refused the prompt or image), `timeout`,
            `upstream_unavailable` (also while a model's circuit breaker is open),
            `generation_failed` (the model failed; not retried, since a retry is paid
            again) and `bad_response`; and, fetching an image URL, `download_failed`,
            `too_large` and `invalid_media`. `rate_limited`, `timeout` and
            `upstream_unavailable` (and network trouble while downloading) are transient.
          examples: [validation_error, canceled, interrupted, authentication, insufficient_credit, rate_limited, validation,
                     content_flagged, timeout, upstream_unavailable, generation_failed, bad_response, download_failed,
                     too_large, invalid_media]
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
          examples: [merge_videos, analyze_audio, create_scenes, generate_character_reference, generate_video, music_video]
        status:
          $ref: '#/components/schemas/JobStatus'
        progress:
          type: number
          minimum: 0
          maximum: 1
        stage:
          type: [string, 'null']
          examples: [rendering, analyzing, planning, reference, generating, merging]
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
          description: Null until the job succeeds; a MergeResult for merge_videos, an AudioAnalysis for analyze_audio, a CreateScenesResult for create_scenes, a GeneratedAssetResult for generate_character_reference and generate_video, a MusicVideoResult for music_video.
          anyOf:
            - $ref: '#/components/schemas/MergeResult'
            - $ref: '#/components/schemas/AudioAnalysis'
            - $ref: '#/components/schemas/CreateScenesResult'
            - $ref: '#/components/schemas/GeneratedAssetResult'
            - $ref: '#/components/schemas/MusicVideoResult'
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
      required: [status, version, uptime_seconds, database, disk, queue, workers, event_streams, generation, problems]
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
          required: [total, busy, generation]
          properties:
            total:
              type: integer
            busy:
              type: integer
            generation:
              type: integer
              description: How many of `total` run only the kinds that wait on generation providers (create_scenes, generate_character_reference, generate_video, music_video), so those never hold a render worker.
        event_streams:
          type: integer
          description: Open SSE subscriptions.
        generation:
          $ref: '#/components/schemas/GenerationStatus'
        problems:
          type: array
          items:
            type: string
    ModelKind:
      type: string
      enum: [video, image, scenes]
      description: What a model makes - video clips, images, or scenes (descriptions and prompts) written from an idea.
    ImageReference:
      description: An image to start from - an image asset id (`POST /api/uploads`), checked when the request arrives, or an http(s) URL, fetched when the job runs (a fetch that fails fails the job with `download_failed`, `too_large` or `invalid_media`).
      anyOf:
        - $ref: '#/components/schemas/AssetID'
        - type: string
          pattern: '^[Hh][Tt][Tt][Pp][Ss]?://[^/]+'
          examples: ['https://example.com/keeper.png']
    CreateScenesRequest:
      type: object
      description: The `create_scenes` body. Unknown fields are refused (422 naming them); an optional field set to null is the same as absent.
      additionalProperties: false
      required: [idea]
      properties:
        idea:
          type: string
          minLength: 1
          maxLength: 4000
          description: What the video is about; not blank.
        lyrics:
          type: [string, 'null']
          maxLength: 4000
        audio:
          description: An uploaded song (audio, or video with sound). The scenes are then timed on its downbeats and the result gives its tempo; without it every scene is 5 seconds.
          anyOf:
            - $ref: '#/components/schemas/AssetID'
            - type: 'null'
        num_scenes:
          type: [integer, 'null']
          minimum: 1
          maximum: 100
          description: Default one per 5 seconds of the song (1–100), else 6. With a song, boundaries too close together are merged, so there may be fewer.
        style:
          type: [string, 'null']
          maxLength: 4000
          examples: ['painterly, moody blue tones']
        model:
          type: [string, 'null']
          description: A scenes model (`GET /api/models?kind=scenes`); default `defaults.scenes`. An unknown one is a 422 listing the valid ones.
          examples: [gemini-2.5-flash]
        budget_usd:
          type: [number, 'null']
          minimum: 0
          description: The most, in USD, the work may be estimated at (catalog list prices, counted even for a model the mock will play); work estimated over it is refused (422) before a job exists or anything is spent.
    CharacterReferenceRequest:
      type: object
      description: The `generate_character_reference` body. Unknown fields are refused (422 naming them); an optional field set to null is the same as absent.
      additionalProperties: false
      required: [prompt]
      properties:
        prompt:
          type: string
          minLength: 1
          maxLength: 4000
          description: What to draw; not blank.
        aspect_ratio:
          type: [string, 'null']
          description: One of the model's `aspect_ratios` (422 listing them otherwise); default its first, else `1:1`.
          examples: ['16:9']
        model:
          type: [string, 'null']
          description: An image model (`GET /api/models?kind=image`); default `defaults.image`. An unknown one is a 422 listing the valid ones.
          examples: [imagen-4]
        budget_usd:
          type: [number, 'null']
          minimum: 0
          description: The most, in USD, the work may be estimated at (catalog list prices, counted even for a model the mock will play); work estimated over it is refused (422) before a job exists or anything is spent.
    GenerateVideoRequest:
      type: object
      description: The `generate_video` body. Unknown fields are refused (422 naming them); an optional field set to null is the same as absent.
      additionalProperties: false
      required: [prompt]
      properties:
        prompt:
          type: string
          minLength: 1
          maxLength: 4000
          description: What the clip shows; not blank.
        model:
          type: [string, 'null']
          description: A video model (`GET /api/models?kind=video`); default `defaults.video`. An unknown one is a 422 listing the valid ones.
          examples: [kling-v2.1]
        duration:
          type: [number, 'null']
          exclusiveMinimum: 0
          description: Seconds. One of the model's `durations` (422 listing them otherwise); for a model with none listed, at most 60. Default the model's first, else 5.
          examples: [5]
        aspect_ratio:
          type: [string, 'null']
          description: One of the model's `aspect_ratios` (422 listing them otherwise); default its first, else `16:9`.
          examples: ['16:9']
        resolution:
          type: [string, 'null']
          description: One of the model's `resolutions` (422 listing them otherwise); absent, the model's default.
          examples: [720p]
        image:
          description: The start frame. Required by image-to-video models (`requires_image`).
          anyOf:
            - $ref: '#/components/schemas/ImageReference'
            - type: 'null'
        seed:
          type: [integer, 'null']
          description: Passed to the provider, for repeatable results where the model supports it.
        negative_prompt:
          type: [string, 'null']
          maxLength: 4000
          description: What the clip should not show, where the model supports it.
        budget_usd:
          type: [number, 'null']
          minimum: 0
          description: The most, in USD, the work may be estimated at (catalog list prices, counted even for a model the mock will play); work estimated over it is refused (422) before a job exists or anything is spent.
    MusicVideoRequest:
      type: object
      description: The `music_video` body. Unknown fields are refused (422 naming them); an optional field set to null is the same as absent.
      additionalProperties: false
      required: [idea, audio]
      properties:
        idea:
          type: string
          minLength: 1
          maxLength: 4000
          description: What the video is about; not blank.
        audio:
          $ref: '#/components/schemas/AssetID'
          description: The song - an uploaded audio asset, or a video with sound.
        model:
          type: [string, 'null']
          description: The video model of every clip; default `defaults.video`. An unknown one is a 422 listing the valid ones.
          examples: [kling-v2.1]
        image_model:
          type: [string, 'null']
          description: The image model of the character reference; default `defaults.image`. Not used (nor checked) when `image` is given.
          examples: [imagen-4]
        scenes_model:
          type: [string, 'null']
          description: The model that writes the scenes; default `defaults.scenes`.
          examples: [gemini-2.5-flash]
        num_scenes:
          type: [integer, 'null']
          minimum: 1
          maximum: 100
          description: Every scene must fit the video model's longest clip (422 saying how many are needed otherwise). Default as few scenes as the model's clip lengths allow, cut on downbeats (5-second clips for a model with no durations listed); a song that needs more than 100 is a 422.
        aspect_ratio:
          type: [string, 'null']
          description: One the video model (and a generated reference's image model) accepts; default the video model's first, else `16:9`. Also the shape of the output.
          examples: ['16:9']
        resolution:
          type: [string, 'null']
          description: One of the video model's `resolutions`. The output has that many lines on its short side (default 720), at 30 fps, clips cropped to fill.
          examples: [720p]
        style:
          type: [string, 'null']
          maxLength: 4000
        lyrics:
          type: [string, 'null']
          maxLength: 4000
        image:
          description: A start image for every clip instead of a generated character reference.
          anyOf:
            - $ref: '#/components/schemas/ImageReference'
            - type: 'null'
        transition:
          description: How scenes join; default hard cuts on the beat.
          anyOf:
            - $ref: '#/components/schemas/MusicVideoTransition'
            - type: 'null'
        budget_usd:
          type: [number, 'null']
          minimum: 0
          description: The most, in USD, the whole video may be estimated at (the scenes, the reference image and every planned clip, at catalog list prices, counted even for models the mock will play); work estimated over it is refused (422) before a job exists or anything is spent.
    MusicVideoTransition:
      type: object
      description: A music video's joins. Other fields here are ignored.
      required: [type]
      properties:
        type:
          type: string
          enum: [cut, fade, dissolve, fadeblack, fadewhite]
          description: '`cut` keeps hard cuts on the beat; the others are centred on the cut (an unknown type is a 422 listing these).'
        duration:
          type: [number, 'null']
          default: 0.3
          description: Seconds; shortened to at most 2/5 of the shortest scene.
    CostTotal:
      type: object
      description: A job's cost in USD at the catalog's list prices (kept to a hundredth of a cent), not read from the providers' bills.
      required: [estimated_usd, actual_usd]
      properties:
        estimated_usd:
          type: number
          description: What the work was estimated at when the job was accepted.
        actual_usd:
          type: number
          description: What the provider calls made so far cost; mock runs cost 0.
    PlannedScene:
      type: object
      required: [index, description, prompt, start, end, duration]
      properties:
        index:
          type: integer
          minimum: 0
        description:
          type: string
          description: What happens in the scene.
        prompt:
          type: string
          description: A prompt for a video model.
        start:
          type: number
          description: Seconds into the song (or the video).
        end:
          type: number
        duration:
          type: number
    CreateScenesResult:
      type: object
      description: The result of a create_scenes job.
      required: [scenes, model, is_mock, cost]
      properties:
        scenes:
          type: array
          items:
            $ref: '#/components/schemas/PlannedScene'
        tempo:
          type: number
          description: The song's beats per minute; present only when `audio` was given.
        model:
          type: string
          description: The scenes model's id.
        is_mock:
          type: boolean
          description: True when the mock provider wrote the scenes (the model's provider has no API key here).
        cost:
          $ref: '#/components/schemas/CostTotal'
    GeneratedAssetResult:
      type: object
      description: The result of a generate_character_reference job (an image) or a generate_video job (a clip, also served as the job's video).
      required: [asset_id, asset_url, content_url, kind, size_bytes, model, provider, is_mock, cost]
      properties:
        asset_id:
          $ref: '#/components/schemas/AssetID'
        asset_url:
          type: string
          description: '`/api/assets/{id}`.'
        content_url:
          type: string
          description: '`/api/assets/{id}/content`.'
        video_id:
          $ref: '#/components/schemas/VideoID'
          description: generate_video only - the clip as the job's video.
        video_url:
          type: string
          description: generate_video only - `/api/mv/get_video/{id}`.
        kind:
          $ref: '#/components/schemas/AssetKind'
        size_bytes:
          type: integer
          format: int64
        model:
          type: string
          description: The model's id.
        provider:
          type: string
          enum: [replicate, fal, gemini, openai, mock]
          description: Who made it; `mock` when the mock provider played the model.
        provider_job_id:
          type: string
          description: The provider's id of the prediction or request (absent when there is none).
        is_mock:
          type: boolean
          description: True when the mock provider made it (the model's provider has no API key here).
        cost:
          $ref: '#/components/schemas/CostTotal'
    MusicVideoScene:
      type: object
      required: [index, start, end, duration, generate_duration, description, prompt, clip_asset_id, is_mock]
      properties:
        index:
          type: integer
          minimum: 0
        start:
          type: number
          description: Seconds into the song.
        end:
          type: number
        duration:
          type: number
        generate_duration:
          type: number
          description: The clip length asked of the model (the shortest it makes that covers the scene); the clip is trimmed to the scene.
        description:
          type: string
        prompt:
          type: string
        clip_asset_id:
          $ref: '#/components/schemas/AssetID'
        is_mock:
          type: boolean
          description: True when the mock provider made this clip.
    MusicVideoResult:
      description: The result of a music_video job - the merge's fields (`video_id`, `video_url`, `info`, `cuts`, `beats`) and how the video was made.
      allOf:
        - $ref: '#/components/schemas/MergeResult'
        - type: object
          required: [scenes, tempo, reference_asset_id, models, is_mock, cost]
          properties:
            scenes:
              type: array
              items:
                $ref: '#/components/schemas/MusicVideoScene'
            tempo:
              type: number
              description: The song's beats per minute.
            reference_asset_id:
              description: The image every clip started from (the generated character reference, or the request's `image`).
              anyOf:
                - $ref: '#/components/schemas/AssetID'
                - type: 'null'
            models:
              type: object
              description: The models used. `image` is `given` when the request's `image` replaced a generated reference.
              required: [video, scenes, image]
              properties:
                video:
                  type: string
                scenes:
                  type: string
                image:
                  type: string
                  examples: [imagen-4, given]
            is_mock:
              type: boolean
              description: True when any clip was made by the mock provider (a provider without an API key here).
            cost:
              $ref: '#/components/schemas/CostTotal'
    GenerationInfo:
      type: object
      description: How a clip was generated.
      required: [model, provider, prompt, is_mock, processing_seconds]
      properties:
        model:
          type: string
        provider:
          type: string
          enum: [replicate, fal, gemini, openai, mock]
        prompt:
          type: string
        provider_job_id:
          type: string
          description: Absent when there is none.
        is_mock:
          type: boolean
        processing_seconds:
          type: number
    GeneratedVideoInfo:
      type: object
      description: The `/info` of a generate_video job's clip.
      required: [video_id, job_id, asset_id, probe, generation, created_at]
      properties:
        video_id:
          $ref: '#/components/schemas/VideoID'
        job_id:
          $ref: '#/components/schemas/JobID'
        asset_id:
          $ref: '#/components/schemas/AssetID'
        probe:
          description: The clip asset's probe (null if it cannot be read).
          anyOf:
            - $ref: '#/components/schemas/MediaInfo'
            - type: 'null'
        generation:
          $ref: '#/components/schemas/GenerationInfo'
        created_at:
          $ref: '#/components/schemas/Timestamp'
    ModelPrice:
      type: object
      description: List prices in USD; each present only when the model is billed that way. A model with none (the mocks) is free.
      properties:
        per_second:
          type: number
          description: Per second of video.
        per_image:
          type: number
        per_1k_tokens:
          type: number
        per_request:
          type: number
          description: A minimum charge per request.
    CatalogModel:
      type: object
      description: One model of the catalog.
      required: [id, provider, path, kind, durations, aspect_ratios, resolutions, requires_image, price, defaults, available]
      properties:
        id:
          type: string
          description: The id requests name.
          examples: [kling-v2.1]
        provider:
          type: string
          enum: [replicate, fal, gemini, openai, mock]
        path:
          type: string
          description: The provider's own name for the model.
          examples: [kwaivgi/kling-v2.1]
        kind:
          $ref: '#/components/schemas/ModelKind'
        description:
          type: string
          description: Absent when the catalog gives none.
        durations:
          type: array
          description: Seconds the model can make (video); empty when any length up to 60 s is accepted.
          items:
            type: number
        aspect_ratios:
          type: array
          description: Empty when any is accepted.
          items:
            type: string
        resolutions:
          type: array
          description: Empty when any is accepted.
          items:
            type: string
        requires_image:
          type: boolean
          description: An image-to-video model; requests need a start `image`.
        price:
          $ref: '#/components/schemas/ModelPrice'
        defaults:
          type: object
          description: Provider input parameters sent with every request.
          additionalProperties:
            type: [string, number, boolean]
        available:
          type: boolean
          description: False when the model's provider has no API key here, so the mock provider plays it (free, results say `is_mock`); always true for mock models.
    ModelList:
      type: object
      required: [models, defaults]
      properties:
        models:
          type: array
          items:
            $ref: '#/components/schemas/CatalogModel'
        defaults:
          type: object
          description: Per kind, the id of the model a request that names none gets.
          required: [video, image, scenes]
          properties:
            video:
              type: string
            image:
              type: string
            scenes:
              type: string
    DailyModelCost:
      type: object
      required: [day, model, provider, jobs, estimated_usd, actual_usd, mock_jobs]
      properties:
        day:
          type: string
          format: date
          description: The UTC day, `YYYY-MM-DD`.
        model:
          type: string
        provider:
          type: string
          description: The model's catalog provider (also for mock runs).
        jobs:
          type: integer
        estimated_usd:
          type: number
        actual_usd:
          type: number
        mock_jobs:
          type: integer
          description: Of `jobs`, those the mock provider played.
    CostSummary:
      type: object
      required: [from, to, estimated_usd, actual_usd, by_day_and_model]
      properties:
        from:
          type: string
          format: date
        to:
          type: string
          format: date
        estimated_usd:
          type: number
          description: The sum of `by_day_and_model`.
        actual_usd:
          type: number
        by_day_and_model:
          type: array
          description: Newest day first, then by model.
          items:
            $ref: '#/components/schemas/DailyModelCost'
    CircuitBreakerState:
      type: object
      required: [state, consecutive_failures]
      properties:
        state:
          type: string
          enum: [closed, open, half_open]
          description: '`open` after repeated `upstream_unavailable` or `timeout` failures in a row: calls to the model fail at once until the cooldown ends; then one probe call is let through (`half_open`).'
        consecutive_failures:
          type: integer
          minimum: 0
        retry_in_seconds:
          type: number
          description: While open, seconds until a probe is allowed (absent otherwise).
    GenerationStatus:
      type: object
      description: Which providers run for real and every model's circuit breaker. An open breaker does not make the server unhealthy.
      required: [providers, breakers, libcurl]
      properties:
        providers:
          type: object
          description: '`configured` when the provider has an API key here, else `mock` (the mock provider plays its models).'
          required: [replicate, fal, gemini, openai]
          properties:
            replicate:
              type: string
              enum: [configured, mock]
            fal:
              type: string
              enum: [configured, mock]
            gemini:
              type: string
              enum: [configured, mock]
            openai:
              type: string
              enum: [configured, mock]
        breakers:
          type: object
          description: By model id, the models called since the server started.
          additionalProperties:
            $ref: '#/components/schemas/CircuitBreakerState'
        libcurl:
          type: string
          description: The version of libcurl the providers are called with.
          examples: ['8.5.0']
"""#
}
