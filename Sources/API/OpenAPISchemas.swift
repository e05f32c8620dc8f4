import DesiredState

/// The component schemas of the OpenAPI document: every request and response body, written
/// to match the `Wire/*` types field for field (the OpenAPI test checks real responses).
enum OpenAPISchemas {
    static func ref(_ name: String) -> JSONValue { ["$ref": .string("#/components/schemas/\(name)")] }
    static func object(_ properties: [String: JSONValue], required: [String]? = nil, closed: Bool = true) -> JSONValue {
        var schema: [String: JSONValue] = ["type": "object", "properties": .object(properties)]
        let names = required ?? properties.keys.sorted()
        if !names.isEmpty { schema["required"] = .array(names.map { .string($0) }) }  // 3.0 forbids an empty list.
        if closed { schema["additionalProperties"] = false }
        return .object(schema)
    }
    static let string: JSONValue = ["type": "string"]
    static let integer: JSONValue = ["type": "integer"]
    static let boolean: JSONValue = ["type": "boolean"]
    static let dateTime: JSONValue = ["type": "string", "format": "date-time"]
    /// OpenAPI 3.0 ignores siblings of `$ref`, so a nullable reference is `allOf` + `nullable`.
    static func nullable(_ schema: JSONValue) -> JSONValue {
        guard case .object(var o) = schema else { return schema }
        if o["$ref"] != nil { return ["nullable": true, "allOf": [schema]] }
        o["nullable"] = true
        return .object(o)
    }
    /// What `Identifiers` accepts, as far as a schema can say it (the byte limit is an upper
    /// bound in characters; control characters are refused).
    static let userID: JSONValue = ["type": "string", "minLength": 1, "maxLength": .number(Double(Identifiers.maxUserIDBytes)), "pattern": "^[^\\u0000-\\u001f\\u007f-\\u009f]+$"]
    static let slug: JSONValue = ["type": "string", "pattern": "^[a-z0-9][a-z0-9-]{0,62}$"]
    static let displayName: JSONValue = ["type": "string", "minLength": 1, "maxLength": 200, "pattern": "\\S"]
    static func array(_ items: JSONValue) -> JSONValue { ["type": "array", "items": items] }
    static func enumeration(_ values: [String]) -> JSONValue { ["type": "string", "enum": .array(values.map { .string($0) })] }
    static let phases = enumeration(["provisioning", "running", "sleeping", "stopped", "failed", "destroying"])
    static let counts: JSONValue = ["type": "object", "additionalProperties": integer]

    static let all: [String: JSONValue] = legacy.merging(declarative) { a, _ in a }

    static let legacy: [String: JSONValue] = [
        "Error": object(["error": object(["code": string, "message": string])]),
        "ProvisionRequest": object(["user_id": userID, "engine_version": string], required: ["user_id"]),
        "ProvisionResponse": object(["engine_id": string, "user_id": string, "status": string, "url": nullable(string), "api_key": string]),
        "LegacyEngine": object([
            "engine_id": string, "user_id": string, "status": phases, "url": nullable(string), "api_key": string,
            "engine_version": string, "created_at": dateTime, "last_health_at": nullable(dateTime),
        ], required: ["engine_id", "user_id", "status", "url", "engine_version", "created_at", "last_health_at"]),
        "EngineList": object(["engines": array(ref("LegacyEngine")), "total": integer]),
        "AdmitRequest": object(["auto_provision": boolean, "auto_wake": boolean], required: []),
        "AdmitResponse": object([
            "admitted": boolean, "engine": nullable(ref("LegacyEngine")),
            "reason": enumeration(["engine_not_found", "engine_sleeping", "engine_unhealthy", "engine_stopped", "engine_not_ready"]),
        ], required: ["admitted", "engine"]),
        "Lifecycle": object(["status": string, "engine_id": string, "user_id": string, "url": string], required: ["status", "engine_id", "user_id"]),
        "Destroyed": object(["status": string, "engine_id": string]),
        "RotateKey": object(["engine_id": string, "user_id": string, "api_key": string, "key_generation": integer]),
        "Status": object(["total": integer, "by_status": counts, "health": enumeration(["ok", "degraded", "critical"]), "unhealthy_count": integer, "restart_breaker": ref("RestartBreaker")]),
        "RestartBreaker": object(["open": boolean, "since": dateTime, "failing_engines": integer, "probed_engines": integer], required: ["open"]),
        "Metrics": object(["provisions_1h": integer, "crashes_1h": integer, "restarts_1h": integer, "avg_boot_ms": integer, "total_provisions": integer, "total_destroys": integer]),
        "RegisterRequest": object(["slug": slug, "display_name": displayName, "policy": ref("Policy")], required: ["slug", "display_name"]),
        "RegisterResponse": object(["product_id": string, "slug": string, "platform_api_key": string]),
        "PolicyRequest": object(["policy": ref("Policy")]),
        "PolicyResponse": object(["policy": ref("Policy")]),
        "Policy": object([
            "max_engines": integer, "rate_limit_rpm": integer, "auto_provision": boolean, "auto_wake": boolean,
            "idle_sleep_after": ["oneOf": [integer, string]], "destroy_after_asleep": ["oneOf": [integer, string]],
            "sleep_mode": enumeration(["stop", "pause"]),
            "template": object(["image": string, "env": ["type": "object", "additionalProperties": string], "memory_mb": integer, "cpus": ["type": "number"]], required: []),
        ], required: []),
        "Health": object(["status": string]),
    ]

    static let declarative: [String: JSONValue] = [
        "Product": object([
            "product_id": string, "slug": string, "display_name": string, "policy": ref("Policy"), "generation": integer,
            "created_at": dateTime, "engines": counts,
        ], required: ["product_id", "slug", "display_name", "policy", "generation", "created_at"]),
        "ProductList": object(["products": array(ref("Product"))]),
        "DeleteProduct": object(["product_id": string, "status": string, "engines_marked": integer]),
        "EngineSpec": object(["state": enumeration(["awake", "asleep", "stopped"]), "key_generation": integer, "image": string], required: []),
        "EngineSpecPatch": object(["state": enumeration(["awake", "asleep", "stopped"]), "key_generation": integer, "image": nullable(string)], required: []),
        "PutEngine": object(["spec": ref("EngineSpec")]),
        "PatchEngine": object(["spec": ref("EngineSpecPatch")]),
        "Condition": object(["type": enumeration(["Ready", "Progressing", "Degraded"]), "status": enumeration(["True", "False", "Unknown"]), "reason": string, "message": string, "last_transition_time": dateTime]),
        "EngineStatus": object([
            "phase": phases, "observed_generation": integer, "conditions": array(ref("Condition")), "url": string,
            "restart_count": integer, "total_restarts": integer, "last_restart_at": dateTime, "next_retry_at": dateTime,
            "last_error": string, "last_health_at": dateTime, "ready_since": dateTime, "boot_duration_ms": integer, "runtime_id": string,
        ], required: ["phase", "observed_generation", "conditions", "restart_count", "total_restarts"]),
        "Engine": object([
            "engine_id": string, "product_id": string, "product": string, "user_id": string, "generation": integer, "revision": integer,
            "spec": ref("EngineSpec"), "status": ref("EngineStatus"), "observed_generation": integer, "conditions": array(ref("Condition")),
            "created_at": dateTime, "deletion_requested_at": nullable(dateTime), "last_activity_at": nullable(dateTime),
        ]),
        "EngineResourceList": object(["engines": array(ref("Engine")), "total": integer]),
        "AuditEntry": object([
            "id": integer, "timestamp": dateTime, "product_id": string, "user_id": string, "engine_id": string, "action": string,
            "actor": string, "metadata": ["type": "object", "additionalProperties": string], "duration_ms": integer,
        ], required: ["timestamp", "action", "actor", "metadata"]),
        "AuditList": object(["entries": array(ref("AuditEntry"))]),
        "AdmitOutcomes": object([
            "window_minutes": integer, "totals": counts,
            "buckets": array(object(["start": dateTime, "outcomes": counts])),
        ]),
        "FleetDocuments": object(["documents": array(["type": "object"])]),
        "ApplyResponse": object([
            "results": array(object(["kind": enumeration(["Product", "Engine"]), "name": string, "result": enumeration(["created", "configured", "unchanged", "pruned"])])),
            "platform_keys": ["type": "object", "additionalProperties": string], "dry_run": boolean,
        ]),
    ]
}
