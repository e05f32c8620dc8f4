/// Fleet YAML documents for `POST /v1/apply`.
enum Fleet {
    static func product(_ slug: String, sleepMode: String, autoProvision: Bool = true, env: [String: String] = [:]) -> String {
        var doc = """
        kind: Product
        slug: \(slug)
        display_name: \(slug)
        policy:
          auto_provision: \(autoProvision)
          auto_wake: true
          sleep_mode: \(sleepMode)

        """
        if !env.isEmpty {
            doc += "  template:\n    env:\n"
            for (k, v) in env.sorted(by: { $0.key < $1.key }) { doc += "      \(k): \"\(v)\"\n" }
        }
        return doc + "---\n"
    }

    static func engine(_ product: String, _ user: String, state: String = "awake") -> String {
        "kind: Engine\nproduct: \(product)\nuser: \(user)\nstate: \(state)\n---\n"
    }

    static func engineSet(_ product: String, prefix: String, count: Int, state: String = "awake") -> String {
        "kind: EngineSet\nproduct: \(product)\nprefix: \(prefix)\ncount: \(count)\nstate: \(state)\n---\n"
    }
}
