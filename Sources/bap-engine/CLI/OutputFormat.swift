import ArgumentParser
import Foundation
import Yams

/// `-o`: a table (default), a wider table, JSON (parseable by `jq`) or YAML.
enum OutputFormat: String, ExpressibleByArgument, CaseIterable, Sendable {
    case table, wide, json, yaml

    /// Prints a value as JSON or YAML (tables are printed by the caller).
    static func printStructured<T: Encodable>(_ value: T, as format: OutputFormat) throws {
        if format == .yaml {
            let encoder = YAMLEncoder()
            print(try encoder.encode(value), terminator: "")
            return
        }
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .iso8601
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        print(String(decoding: try encoder.encode(value), as: UTF8.self))
    }
}
