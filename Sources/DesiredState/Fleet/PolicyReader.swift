import Yams

/// Reads a `policy:` mapping field by field, so a wrong type or a range error points at the
/// exact line and column. The same rules as `Policy`'s JSON decoding (closed schema, ranges
/// from `Policy.validate()`), reached from YAML nodes instead of `Codable`, which would lose
/// positions.
enum PolicyReader {
    static let fields = Policy.CodingKeys.allCases.map(\.rawValue)
    static let templateFields = EngineTemplate.CodingKeys.allCases.map(\.rawValue)

    static func read(_ cursor: YAMLCursor) throws(FleetSpecError) -> Policy {
        let m = try cursor.mapping(allowed: fields)
        let policy = Policy(
            maxEngines: try m.optional("max_engines")?.int(),
            rateLimitRPM: try m.optional("rate_limit_rpm")?.int(),
            autoProvision: try m.optional("auto_provision")?.bool(),
            autoWake: try m.optional("auto_wake")?.bool(),
            idleSleepAfter: try m.optional("idle_sleep_after")?.durationSeconds(),
            destroyAfterAsleep: try m.optional("destroy_after_asleep")?.durationSeconds(),
            sleepMode: try m.optional("sleep_mode")?.oneOf(SleepMode.self) ?? .stop,
            template: try m.optional("template").map { c throws(FleetSpecError) in try template(c) } ?? EngineTemplate()
        )
        do { try policy.validate() } catch {
            throw FleetSpecError(m.location(ofPath: error.field), field: m.childPath(error.field), error.message)
        }
        return policy
    }

    static func template(_ cursor: YAMLCursor) throws(FleetSpecError) -> EngineTemplate {
        let m = try cursor.mapping(allowed: templateFields)
        var env: [String: String] = [:]
        if let envCursor = try m.optional("env") {
            guard case .mapping(let mapping) = envCursor.node else { throw envCursor.fail("expected a mapping of NAME: value, got \(envCursor.typeName)") }
            for (key, value) in mapping {
                let name = try YAMLCursor(node: key, path: envCursor.path, context: cursor.context).string()
                env[name] = try YAMLCursor(node: value, path: "\(envCursor.path).\(name)", context: cursor.context).string()
            }
        }
        return EngineTemplate(
            image: try m.optional("image")?.string(),
            env: env,
            memoryMB: try m.optional("memory_mb")?.int(),
            cpus: try m.optional("cpus")?.double()
        )
    }
}
