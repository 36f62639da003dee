import Foundation

/// Support across stakeholder groups rather than loud support from one: the score of a
/// proposal is Σ over groups g of log2(1 + endorsements from g). Four groups endorsing once
/// each (4 × log2 2 = 4) outrank one group endorsing ten times (log2 11 ≈ 3.46).
public enum Bridging {
    public static func score(_ endorsements: [Stakeholder: Int]) -> Double {
        endorsements.values.reduce(0) { $0 + log2(1 + Double(max(0, $1))) }
    }

    /// Groups with at least one endorsement.
    public static func groupsReached(_ endorsements: [Stakeholder: Int]) -> Int {
        endorsements.values.filter { $0 > 0 }.count
    }

    /// Highest score first; ties by more endorsements in total, then the older proposal
    /// (it was on the table longer), then the lower id, so the order is total and stable.
    public static func rank(_ proposals: [ThreadHarvest]) -> [ThreadHarvest] {
        proposals.sorted { a, b in
            if a.bridgingScore != b.bridgingScore { return a.bridgingScore > b.bridgingScore }
            if a.endorsements != b.endorsements { return a.endorsements > b.endorsements }
            if a.createdAt != b.createdAt { return a.createdAt < b.createdAt }
            return a.id < b.id
        }
    }
}
