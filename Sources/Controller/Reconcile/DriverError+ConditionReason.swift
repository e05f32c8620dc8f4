import DesiredState
import Drivers

extension DriverError.Code {
    /// The condition reason a runtime failure is reported under: one named reason per code,
    /// spelled as the code (so the stored status reads as it always did). Exhaustive, so a new
    /// driver code cannot reach a status without a reason of its own.
    var conditionReason: ConditionReason {
        switch self {
        case .imageNotFound: .imageNotFound
        case .portExhausted: .portExhausted
        case .notFound: .notFound
        case .conflict: .conflict
        case .stale: .staleRuntime
        case .unavailable: .runtimeUnavailable
        case .rejected: .runtimeRejected
        }
    }
}
