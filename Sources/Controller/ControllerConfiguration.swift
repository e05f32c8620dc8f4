import Foundation

/// The controller's knobs; the executable fills them from `ORCH_*` settings.
public struct ControllerConfiguration: Sendable {
    /// Concurrent reconciles (different engines; one worker per engine at a time).
    public var workers: Int
    /// Full relist from the driver and the store (covers lost events).
    public var resyncInterval: Duration
    /// `ORCH_HEALTH_CHECK_INTERVAL_S` / `_TIMEOUT_S`.
    public var healthInterval: Duration
    public var healthTimeout: Duration
    public var idleSweepInterval: Duration
    public var planner: PlannerSettings
    /// Lease identity and timing (leader election).
    public var holderID: String
    public var leaseTTL: Duration
    public var leaseRenew: Duration
    public var leaseRetry: Duration

    public init(
        workers: Int = 16, resyncInterval: Duration = .seconds(30), healthInterval: Duration = .seconds(30),
        healthTimeout: Duration = .seconds(10), idleSweepInterval: Duration = .seconds(30),
        planner: PlannerSettings = PlannerSettings(), holderID: String = ControllerConfiguration.defaultHolderID(),
        leaseTTL: Duration = .seconds(15), leaseRenew: Duration = .seconds(10), leaseRetry: Duration = .seconds(2)
    ) {
        self.workers = workers
        self.resyncInterval = resyncInterval
        self.healthInterval = healthInterval
        self.healthTimeout = healthTimeout
        self.idleSweepInterval = idleSweepInterval
        self.planner = planner
        self.holderID = holderID
        self.leaseTTL = leaseTTL
        self.leaseRenew = leaseRenew
        self.leaseRetry = leaseRetry
    }

    /// `host-pid-random`: unique per process, readable in the lease table.
    public static func defaultHolderID() -> String {
        "\(ProcessInfo.processInfo.hostName)-\(ProcessInfo.processInfo.processIdentifier)-\(UUID().uuidString.prefix(6).lowercased())"
    }
}
