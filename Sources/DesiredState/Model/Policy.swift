import Foundation

/// How a product's engines are limited and run. Stored as JSON; `PUT /products/{id}/policy`
/// replaces it whole. Decoding is strict: unknown fields and out-of-range values are
/// `ValidationError`s naming the field, so a typo never silently becomes "no limit".
public struct Policy: Sendable, Equatable, Hashable {
    /// Engines counted against the quota (every engine not marked for deletion). `nil` = no limit.
    public var maxEngines: Int?
    /// Admit calls per minute for the whole product. `nil` = no limit.
    public var rateLimitRPM: Int?
    /// Defaults for `admit` when the request does not say.
    public var autoProvision: Bool?
    public var autoWake: Bool?
    /// Seconds without an admit after which an awake engine is put to sleep. `nil` = never.
    public var idleSleepAfter: Int?
    /// Seconds asleep after which an engine is destroyed (brain included). `nil` = never (default).
    public var destroyAfterAsleep: Int?
    /// What "asleep" means for the runtime.
    public var sleepMode: SleepMode
    /// What every engine of the product runs.
    public var template: EngineTemplate

    public init(
        maxEngines: Int? = nil, rateLimitRPM: Int? = nil, autoProvision: Bool? = nil, autoWake: Bool? = nil,
        idleSleepAfter: Int? = nil, destroyAfterAsleep: Int? = nil, sleepMode: SleepMode = .stop,
        template: EngineTemplate = EngineTemplate()
    ) {
        self.maxEngines = maxEngines
        self.rateLimitRPM = rateLimitRPM
        self.autoProvision = autoProvision
        self.autoWake = autoWake
        self.idleSleepAfter = idleSleepAfter
        self.destroyAfterAsleep = destroyAfterAsleep
        self.sleepMode = sleepMode
        self.template = template
    }

    /// Checks ranges. Called by the decoder; call it yourself for policies built in code.
    public func validate() throws(ValidationError) {
        try Self.check(maxEngines, "max_engines", 0...10_000_000)
        try Self.check(rateLimitRPM, "rate_limit_rpm", 1...100_000_000)
        try Self.check(idleSleepAfter, "idle_sleep_after", 1...(366 * 86_400))
        try Self.check(destroyAfterAsleep, "destroy_after_asleep", 60...(3660 * 86_400))
        do { try template.validate() } catch { throw error.nested(under: "template") }
    }

    static func check(_ value: Int?, _ field: String, _ range: ClosedRange<Int>) throws(ValidationError) {
        guard let value else { return }
        guard range.contains(value) else {
            throw ValidationError(field: field, message: "must be between \(range.lowerBound) and \(range.upperBound), got \(value)")
        }
    }
}

/// `stop`: asleep engines are stopped (no CPU, no memory; wake = start, ~0.3 s).
/// `pause`: asleep engines are frozen (memory kept; wake = unpause, milliseconds).
public enum SleepMode: String, Sendable, Codable, Hashable, CaseIterable {
    case stop, pause
}

extension Policy: Codable {
    enum CodingKeys: String, CodingKey, CaseIterable {
        case maxEngines = "max_engines"
        case rateLimitRPM = "rate_limit_rpm"
        case autoProvision = "auto_provision"
        case autoWake = "auto_wake"
        case idleSleepAfter = "idle_sleep_after"
        case destroyAfterAsleep = "destroy_after_asleep"
        case sleepMode = "sleep_mode"
        case template
    }

    public init(from decoder: any Decoder) throws {
        try StrictKeys.reject(unknownIn: decoder, allowed: CodingKeys.allCases.map(\.rawValue))
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            maxEngines: try c.decodeIfPresent(Int.self, forKey: .maxEngines),
            rateLimitRPM: try c.decodeIfPresent(Int.self, forKey: .rateLimitRPM),
            autoProvision: try c.decodeIfPresent(Bool.self, forKey: .autoProvision),
            autoWake: try c.decodeIfPresent(Bool.self, forKey: .autoWake),
            idleSleepAfter: try c.decodeIfPresent(DurationSeconds.self, forKey: .idleSleepAfter)?.seconds,
            destroyAfterAsleep: try c.decodeIfPresent(DurationSeconds.self, forKey: .destroyAfterAsleep)?.seconds,
            sleepMode: try c.decodeIfPresent(SleepMode.self, forKey: .sleepMode) ?? .stop,
            template: try c.decodeIfPresent(EngineTemplate.self, forKey: .template) ?? EngineTemplate()
        )
        if !decoder.isStoredValue { try validate() }
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encodeIfPresent(maxEngines, forKey: .maxEngines)
        try c.encodeIfPresent(rateLimitRPM, forKey: .rateLimitRPM)
        try c.encodeIfPresent(autoProvision, forKey: .autoProvision)
        try c.encodeIfPresent(autoWake, forKey: .autoWake)
        try c.encodeIfPresent(idleSleepAfter, forKey: .idleSleepAfter)
        try c.encodeIfPresent(destroyAfterAsleep, forKey: .destroyAfterAsleep)
        try c.encode(sleepMode, forKey: .sleepMode)
        if template != EngineTemplate() { try c.encode(template, forKey: .template) }
    }
}
