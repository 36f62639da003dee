import ArgumentParser
import CabildoCore
import CabildoStore
import CabildoWeb
import Foundation

/// `cabildo harvest`: the committee's report on standard output, byte for byte what
/// `/harvest.csv`, `/harvest.json` and `/harvest.md` serve (links use `CABILDO_BASE_URL`).
struct Harvest: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Print the committee's harvest (md, csv, json or departments-csv), or the consultation report (report).")

    @Option(help: "Only this board (its slug, e.g. banda-ancha).") var board: String?
    @Option(help: "md, csv, json, departments-csv (participation by department, as /harvest/departments.csv), or report (the consultation report in Markdown, as /harvest/report.md).")
    var format: String = "md"
    @OptionGroup var database: DatabaseOption

    func run() async throws {
        guard ["md", "csv", "json", "departments-csv", "report"].contains(format) else {
            throw ValidationError("unknown format '\(format)': use md, csv, json, departments-csv or report")
        }
        let config = try database.config()
        let export = try HarvestExport(baseURL: config.baseURL, templatesDirectory: config.templatesDirectory,
                                       timeZone: config.timeZone)
        let text = try await withStore(config) { store -> String in
            if format == "report" {
                guard board == nil else { throw ValidationError("the report covers every board: leave out --board") }
                return export.report(try await ConsultationReport.assemble(store: store, at: Date()))
            }
            let snapshot = try await store.harvest(at: Date())
            var boardId: Int64?
            if let board {
                guard let found = snapshot.boards.first(where: { $0.slug == board }) else {
                    throw ValidationError("no board '\(board)': use one of " + snapshot.boards.map(\.slug).joined(separator: ", "))
                }
                boardId = found.id
            }
            let report = snapshot.report(boardId: boardId)
            return switch format {
            case "csv": export.csv(report)
            case "json": export.json(report)
            case "departments-csv": export.departmentsCSV(report)
            default: export.markdown(report)
            }
        }
        // The writer adds the final newline. Scalars, not Characters: CSV ends in "\r\n", one Character.
        CLIIO.write(text.unicodeScalars.last == "\n" ? String(text.unicodeScalars.dropLast()) : text)
    }
}
