/// A runtime spec carries the pass-through environment (operator secrets) and the engine key's
/// hash: printed, it shows variable names only and no hash.
extension RuntimeSpec: CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    public var description: String {
        "RuntimeSpec(engine: \(engineID.uuidString.lowercased()), product: \(productID.uuidString.lowercased()), image: \(image), "
            + "env: \(env.keys.sorted()) <values redacted>, keyGeneration: \(keyGeneration), keyHash: <redacted>)"
    }

    public var debugDescription: String { description }

    public var customMirror: Mirror { Mirror(self, children: ["redacted": description], displayStyle: .struct) }
}
