@main struct EngineMain { static func main() async throws {} }
