import DesiredState
import Foundation

/// How changes(since:) decides whether it may answer without a gap.
package enum ChangeLogWindow {
    /// Revisions are gap-free (one change-log entry per revision), so a first entry right after
    /// `since` proves nothing was dropped; otherwise (a gap, or nothing at all) the marker
    /// decides. The marker is read AFTER the entries and compaction writes it BEFORE deleting,
    /// so a read that raced a deletion always sees the marker that covers it.
    package static func check(since: Int64, first: Int64?, compactedThrough: () async throws -> Int64) async throws {
        if let first, first == since + 1 { return }
        let through = try await compactedThrough()
        if since < through { throw StoreError(.compacted(through: through)) }
    }
}
