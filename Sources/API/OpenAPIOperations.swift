/// The operation table of the OpenAPI document, one line per route.
enum OpenAPIOperations {
    typealias Op = OpenAPIDocument.Operation
    static let e = OpenAPIDocument.errors4xx
    static func with(_ base: [Int: String?], _ extra: [Int: String?]) -> [Int: String?] { base.merging(extra) { _, new in new } }
    static let lifecycleErrors = with(e, [409: nil, 503: nil])
    static let waitingErrors = with(lifecycleErrors, [502: nil, 504: nil])

    static let legacy: [Op] = [
        Op(method: "get", path: "/health", summary: "Liveness of the orchestrator.", auth: .none, responses: [200: "Health"]),
        Op(method: "get", path: "/ready", summary: "Ready when the store answers.", auth: .none, responses: [200: "Health", 503: nil]),
        Op(method: "get", path: "/status", summary: "Engines by status and fleet health (product, or fleet with the admin key).", auth: .either, responses: with(e, [200: "Status"])),
        Op(method: "get", path: "/metrics", summary: "JSON metrics with X-Platform-Key; Prometheus text without.", auth: .none, headers: ["X-Platform-Key"], responses: with(e, [200: "Metrics"])),
        Op(method: "get", path: "/openapi.json", summary: "This document.", auth: .none, responses: [200: "document"]),
        Op(method: "get", path: "/v1/schema/fleet.json", summary: "JSON Schema of one fleet-file document (for editors; deploy/schema/fleet.schema.json).", auth: .none, responses: [200: "document"]),
        Op(method: "post", path: "/engines/provision", summary: "Provision an engine and wait until it runs.", auth: .platform, body: "ProvisionRequest", responses: with(waitingErrors, [200: "ProvisionResponse", 403: nil, 429: nil])),
        Op(method: "get", path: "/engines", summary: "List the product's engines (never keys).", auth: .platform, query: ["status", "limit", "offset"], responses: with(e, [200: "EngineList"])),
        Op(method: "get", path: "/engines/{user_id}", summary: "One engine with its key.", auth: .platform, responses: with(e, [200: "LegacyEngine", 503: nil])),
        Op(method: "delete", path: "/engines/{user_id}", summary: "Destroy the engine and its brain (irreversible).", auth: .platform, responses: with(e, [200: "Destroyed"])),
        Op(method: "post", path: "/engines/{user_id}/start", summary: "Start a stopped or sleeping engine and wait until it runs.", auth: .platform, responses: with(waitingErrors, [200: "Lifecycle"])),
        Op(method: "post", path: "/engines/{user_id}/stop", summary: "Stop the engine (brain kept) and wait until it is stopped.", auth: .platform, responses: with(waitingErrors, [200: "Lifecycle"])),
        Op(method: "post", path: "/engines/{user_id}/rotate-key", summary: "Rotate the engine key; returns the new key once the engine uses it.", auth: .platform, responses: with(waitingErrors, [200: "RotateKey"])),
        Op(method: "post", path: "/engines/{user_id}/admit", summary: "Admit a user: rate limit, auto-provision, auto-wake, wait for Ready.", auth: .platform, query: ["wait"], body: "AdmitRequest", responses: with(waitingErrors, [200: "AdmitResponse", 429: nil])),
        Op(method: "post", path: "/products/register", summary: "Register a product; its platform key is returned once.", auth: .admin, body: "RegisterRequest", responses: with(e, [200: "RegisterResponse", 409: nil])),
        Op(method: "put", path: "/products/{product_id}/policy", summary: "Replace a product's policy whole.", auth: .admin, body: "PolicyRequest", responses: with(e, [200: "PolicyResponse"])),
    ]

    static let engine = "/v1/products/{product}/engines/{user}"

    static let declarative: [Op] = [
        Op(method: "get", path: "/v1/products", summary: "Products (all for the admin, its own for a product).", auth: .either, responses: with(e, [200: "ProductList"])),
        Op(method: "get", path: "/v1/products/{product}", summary: "One product with engine counts.", auth: .either, responses: with(e, [200: "Product"])),
        Op(method: "delete", path: "/v1/products/{product}", summary: "Delete a product; its engines are removed through the controller.", auth: .admin, responses: with(e, [202: "DeleteProduct"])),
        Op(method: "post", path: "/v1/products/{product}/rotate-platform-key", summary: "New platform key (returned once); the old one stops working.", auth: .either, responses: with(e, [200: "RegisterResponse"])),
        Op(method: "get", path: "/v1/products/{product}/engines", summary: "Engines with spec and status.", auth: .either, query: ["phase", "status", "limit", "offset"], responses: with(e, [200: "EngineResourceList"])),
        Op(method: "put", path: engine, summary: "Create or replace an engine's spec.", auth: .either, headers: ["If-Match"], body: "PutEngine", responses: with(e, [200: "Engine", 201: "Engine", 403: nil, 409: nil, 429: nil])),
        Op(method: "get", path: engine, summary: "An engine's spec and status.", auth: .either, responses: with(e, [200: "Engine"])),
        Op(method: "patch", path: engine, summary: "Merge-patch an engine's spec.", auth: .either, headers: ["If-Match"], body: "PatchEngine", responses: with(e, [200: "Engine", 403: nil, 409: nil])),
        Op(method: "delete", path: engine, summary: "Delete an engine (runtime and brain) through the controller.", auth: .either, headers: ["If-Match"], responses: with(e, [202: "Engine", 409: nil])),
        Op(method: "post", path: engine + "/sleep", summary: "Desired state asleep.", auth: .either, headers: ["If-Match"], responses: with(e, [200: "Engine", 409: nil])),
        Op(method: "post", path: engine + "/wake", summary: "Desired state awake; wait=true waits for Ready.", auth: .either, query: ["wait"], headers: ["If-Match"], responses: with(waitingErrors, [200: "Engine"])),
        Op(method: "get", path: engine + "/logs", summary: "The engine's last log lines, as text.", auth: .either, query: ["tail"], responses: with(e, [200: "text", 429: nil, 501: nil, 502: nil])),
        Op(method: "get", path: "/v1/audit", summary: "Audit rows, newest first.", auth: .either, query: ["user", "action", "since", "limit", "product"], responses: with(e, [200: "AuditList"])),
        Op(method: "get", path: "/v1/admit-outcomes", summary: "Admits by outcome per minute over the last minutes, as this replica served them.", auth: .either, query: ["minutes", "product"], responses: with(e, [200: "AdmitOutcomes"])),
        Op(method: "post", path: "/v1/apply", summary: "Server-side apply of a fleet spec (YAML or JSON documents), all or nothing.", auth: .admin, query: ["dry_run", "prune", "file"], body: "FleetSpec", responses: with(e, [200: "ApplyResponse", 403: nil, 429: nil])),
        Op(method: "get", path: "/v1/fleet", summary: "The live desired state as fleet YAML (products, engines; no status).", auth: .admin, query: ["product"], responses: with(e, [200: "yaml"])),
        Op(method: "get", path: "/v1/watch", summary: "SSE stream of engine changes; resumes from Last-Event-ID or since (410 RESYNC_REQUIRED when that revision is no longer kept).", auth: .either, query: ["since", "product", "timeout"], headers: ["Last-Event-ID"], responses: with(e, [200: "sse", 410: nil, 429: nil])),
    ]
}
