// mu: the command line of MU. Thin: picks the command and hands it its arguments.
#include "cli.h"

#include <QCoreApplication>

#include <cstdio>
#include <functional>
#include <map>

namespace {

struct Command {
    std::function<int(const QStringList&)> run;
    const char* summary;
};

const std::map<QString, Command>& commands()
{
    using namespace mu::cli;
    static const std::map<QString, Command> table = {
        {QStringLiteral("index"), {runIndex, "Build or update a project's graph (.mu/mubase)"}},
        {QStringLiteral("status"), {runStatus, "Files, nodes, edges by type and language; parse errors"}},
        {QStringLiteral("show"), {runShow, "A node's details and edges"}},
        {QStringLiteral("read"), {runRead, "A node's source lines"}},
        {QStringLiteral("search"), {runSearch, "Ranked search over names, paths and docstrings"}},
        {QStringLiteral("deps"), {runDeps, "What a node depends on directly"}},
        {QStringLiteral("usedby"), {runUsedBy, "What depends on a node directly"}},
        {QStringLiteral("impact"), {runImpact, "Everything downstream that a change to a node may break"}},
        {QStringLiteral("ancestors"), {runAncestors, "Everything a node depends on, transitively"}},
        {QStringLiteral("cycles"), {runCycles, "Dependency cycles (strongly connected components)"}},
        {QStringLiteral("path"), {runPath, "Shortest path(s) between two nodes, with edge types"}},
        {QStringLiteral("why"), {runWhy, "Why A depends on B: the path between them"}},
        {QStringLiteral("query"), {runQuery, "Run a MUQL query (alias: q; -i for an interactive shell)"}},
        {QStringLiteral("q"), {runQuery, "Run a MUQL query (alias of query)"}},
        {QStringLiteral("contracts"), {runContracts, "Architecture contracts: init a starter file, verify the graph"}},
        {QStringLiteral("context"),
            {runContext, "The code that answers a question, in MU text, within a token budget"}},
        {QStringLiteral("export"), {runExport, "The graph as json, mu, mermaid, d2, dot, cytoscape or graphml"}},
        {QStringLiteral("daemon"), {runDaemon, "Run, start, stop and list project daemons (live graph + HTTP API)"}},
    };
    return table;
}

void printUsage(FILE* stream)
{
    std::fputs(
        "Usage: mu <command> [options]\n\nMU keeps a live, queryable graph of a codebase.\n\nCommands:\n", stream);
    for (const auto& [name, command] : commands())
        std::fprintf(stream, "  %-8s %s\n", qPrintable(name), command.summary);
    std::fputs("\nRun 'mu <command> --help' for a command's options.\n", stream);
}

} // namespace

int main(int argc, char* argv[])
{
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(QStringLiteral("mu"));
    QCoreApplication::setApplicationVersion(QStringLiteral(MU_VERSION));

    QStringList arguments = QCoreApplication::arguments();
    arguments.removeFirst();
    if (arguments.isEmpty()) {
        printUsage(stderr);
        return mu::cli::kExitUsage;
    }
    const QString name = arguments.first();
    if (name == u"--help" || name == u"-h" || name == u"help") {
        printUsage(stdout);
        return mu::cli::kExitOk;
    }
    if (name == u"--version") {
        std::printf("mu %s\n", MU_VERSION);
        return mu::cli::kExitOk;
    }
    const auto command = commands().find(name);
    if (command == commands().end()) {
        std::fprintf(stderr, "mu: unknown command '%s'\n", qPrintable(name));
        printUsage(stderr);
        return mu::cli::kExitUsage;
    }
    return command->second.run(arguments);
}
