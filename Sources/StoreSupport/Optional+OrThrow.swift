import DesiredState

extension Optional {
    /// The value, or `StoreError(code)` when there is none (both backends' "row or not found").
    package func orThrow(_ code: StoreError.Code) throws -> Wrapped {
        guard let self else { throw StoreError(code) }
        return self
    }
}
