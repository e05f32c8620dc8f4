import DesiredState
import Foundation
import PostgresNIO
import StoreSupport

extension PostgresStore {
    /// Maps a backend error to the store's error: unique violations to the "exists" codes,
    /// everything else (connection loss, server errors) to `.unavailable` with the SQLSTATE as
    /// detail. Values from the row are never copied into the error.
    /// Postgres is not there: no connection within the deadline, a connection closed or
    /// refused (no SQLSTATE), or a backend error of class 08 (connection exception), 53
    /// (insufficient resources) or 57 (operator intervention: a shutdown in progress).
    static func isConnectionFailure(_ error: any Error) -> Bool {
        switch error {
        case is LeaseTimeout:
            return true
        case let error as PostgresTransactionError:
            guard let inner = error.closureError ?? error.beginError ?? error.commitError else { return false }
            return isConnectionFailure(inner)
        case let error as PSQLError:
            guard let state = error.serverInfo?[.sqlState] else { return true }
            return ["08", "53", "57"].contains(String(state.prefix(2)))
        default:
            return false
        }
    }

    static func storeError(_ error: any Error) -> any Error {
        switch error {
        case let error as StoreError:
            return error
        case let error as DryRunRollback:
            return error
        case is CancellationError:
            return error
        case let error as LeaseTimeout:
            return StoreError(.unavailable, detail: error.granted ? "no answer within \(error.deadline)" : "no connection within \(error.deadline)")
        case let error as PostgresTransactionError:
            if let inner = error.closureError ?? error.beginError ?? error.commitError { return storeError(inner) }
            return StoreError(.unavailable, detail: "transaction failed")
        case let error as PSQLError:
            guard let state = error.serverInfo?[.sqlState] else {
                return StoreError(.unavailable, detail: "postgres: \(error.code)")
            }
            if state == "23505" {
                switch error.serverInfo?[.constraintName] {
                case "products_live_slug": return StoreError(.productSlugExists)
                case "engines_live_user", "engines_pkey": return StoreError(.engineAlreadyExists)
                default: break
                }
            }
            let message = error.serverInfo?[.message] ?? ""
            return StoreError(.unavailable, detail: "postgres \(state): \(message)")
        default:
            return StoreError(.unavailable, detail: String(describing: type(of: error)))
        }
    }

    /// Parses `postgres://` / `postgresql://` URLs (`ORCH_DATABASE_URL`) into a client
    /// configuration. The password never appears in an error.
    public static func configuration(url text: String) throws -> PostgresClient.Configuration {
        let field = "ORCH_DATABASE_URL"
        guard let url = URLComponents(string: text), let scheme = url.scheme, ["postgres", "postgresql"].contains(scheme) else {
            throw ValidationError(field: field, message: "must be a postgres:// URL")
        }
        guard let host = url.host, !host.isEmpty, let user = url.user, !user.isEmpty else {
            throw ValidationError(field: field, message: "must name a user and a host (postgres://user@host:port/db)")
        }
        let database = url.path.hasPrefix("/") ? String(url.path.dropFirst()) : url.path
        let sslmode = url.queryItems?.first { $0.name == "sslmode" }?.value ?? "prefer"
        let tls: PostgresClient.Configuration.TLS
        switch sslmode {
        case "disable": tls = .disable
        case "prefer", "allow": tls = .prefer(.makeClientConfiguration())
        case "require", "verify-ca", "verify-full": tls = .require(.makeClientConfiguration())
        default: throw ValidationError(field: field, message: "sslmode must be disable, prefer or require")
        }
        return PostgresClient.Configuration(
            host: host, port: url.port ?? 5432, username: user,
            password: url.password, database: database.isEmpty ? nil : database, tls: tls
        )
    }
}
