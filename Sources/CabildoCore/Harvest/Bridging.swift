import Foundation

/// Support across stakeholder groups rather than loud support from one: the score of a
/// proposal is Σ over groups g of log2(1 + endorsements from g). Four groups endorsing once
/// each (4 × log2 2 = 4) outrank one group endorsing ten times (log2 11 ≈ 3.46).
public enum Bridging {
    /// Summed in the groups' fixed order: a dictionary's order changes from one process to the
    /// next, and floating-point sums in another order can differ in the last bit, which turned
    /// exact ties (18·24·18·5·13 = 15·24·9·13·12 endorsements) around between the server and the CLI.
    public static func score(_ endorsements: [Stakeholder: Int]) -> Double {
        Stakeholder.allCases.reduce(0) { $0 + log2(1 + Double(max(0, endorsements[$1] ?? 0))) }
    }

    /// Groups with at least one endorsement.
    public static func groupsReached(_ endorsements: [Stakeholder: Int]) -> Int {
        endorsements.values.filter { $0 > 0 }.count
    }

    /// Highest score first; ties by more endorsements in total, then the older proposal
    /// (it was on the table longer), then the lower id, so the order is total and stable.
    public static func rank(_ proposals: [ThreadHarvest]) -> [ThreadHarvest] {
        // Scores computed once per proposal, not twice per comparison.
        let scores = proposals.map(\.bridgingScore), endorsements = proposals.map(\.endorsements)
        return proposals.indices.sorted { i, j in
            let (a, b) = (proposals[i], proposals[j])
            if scores[i] != scores[j] { return scores[i] > scores[j] }
            if endorsements[i] != endorsements[j] { return endorsements[i] > endorsements[j] }
            if a.createdAt != b.createdAt { return a.createdAt < b.createdAt }
            return a.id < b.id
        }.map { proposals[$0] }
    }
}
