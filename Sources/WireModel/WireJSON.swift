import Foundation

/// How both ends read and write the JSON bodies of the wire model: ISO-8601 dates (whole
/// seconds), keys sorted, slashes unescaped. The server writes every JSON answer with
/// `encoder()`; the CLI reads every answer with `decoder()`.
public enum WireJSON {
    public static func encoder() -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .iso8601
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }

    public static func decoder() -> JSONDecoder {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        return decoder
    }
}
