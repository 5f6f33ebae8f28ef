#pragma once

#include "contracts/contract.h"
#include "contracts/glob.h"

#include <QList>
#include <QString>

namespace mu::contracts {

/// Whether `path` (project-relative) is a test file by the conventions of its language:
/// any segment named test, tests, __tests__, spec or testdata, or src/test/ (Maven/Gradle);
/// Python test_*.py, *_test.py, conftest.py; Go *_test.go; JS/TS *.test.* and *.spec.*; Java,
/// Kotlin and C# *Test, *Tests, *IT; C and C++ *_test.*, *_unittest.*, test_*.*, tst_*.*.
bool isTestPath(const QString& path);

/// The settings' exclusions: test files (when exclude_tests) and exclude_patterns. An excluded
/// file is invisible to every rule: its nodes are not checked and edges touching it not counted.
/// Externals (no file) are never excluded.
/// Thread: immutable after construction; any thread.
class PathFilter {
public:
    explicit PathFilter(const Settings& settings);

    bool excluded(const QString& path) const;

private:
    bool m_excludeTests;
    QList<Glob> m_patterns;
};

} // namespace mu::contracts
