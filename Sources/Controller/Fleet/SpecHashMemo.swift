import DesiredState
import Foundation
import Synchronization

/// The spec hash each engine's runtime should carry, remembered between resyncs. Building it
/// derives the engine key (HKDF) and hashes twice: for 100,000 engines every 30 s that is most
/// of a resync. It can only change with the engine's generation (spec), its key version or
/// its product's generation (template), so it is rebuilt only then.
final class SpecHashMemo: Sendable {
    private struct Entry {
        var generation: Int64
        var keyVersion: Int
        var productGeneration: Int64
        var hash: String?
    }

    private let entries = Mutex([UUID: Entry]())
    private let builder: RuntimeSpecBuilder

    init(builder: RuntimeSpecBuilder) { self.builder = builder }

    /// A lookup for one resync pass; entries of engines not asked for in it are dropped after.
    func pass(products: [UUID: Product]) -> Pass { Pass(memo: self, products: products) }

    final class Pass {
        private let memo: SpecHashMemo
        private let products: [UUID: Product]
        private var seen: [UUID: Entry] = [:]

        fileprivate init(memo: SpecHashMemo, products: [UUID: Product]) {
            self.memo = memo
            self.products = products
        }

        func hash(_ engine: EngineSummary) -> String? {
            let product = products[engine.productID]
            let productGeneration = product?.generation ?? 0
            if let known = memo.entries.withLock({ $0[engine.id] }), known.generation == engine.generation,
               known.keyVersion == engine.keyVersion, known.productGeneration == productGeneration {
                seen[engine.id] = known
                return known.hash
            }
            let hash = (try? memo.builder.build(engine, product: product))?.specHash
            seen[engine.id] = Entry(generation: engine.generation, keyVersion: engine.keyVersion, productGeneration: productGeneration, hash: hash)
            return hash
        }

        /// Keeps what this pass saw (engines gone since are forgotten).
        func finish() {
            let seen = self.seen
            memo.entries.withLock { $0 = seen }
        }
    }
}
