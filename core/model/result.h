#pragma once

#include <QString>

#include <optional>
#include <utility>
#include <variant>

namespace mu {

/// A failure the caller is expected to handle: a stable machine code ("not_found", "sql",
/// "io", "parse", …) and a one-line message for people.
struct Error {
    QString code;
    QString message;
};

/// Value or Error. Expected failures travel as values, never as exceptions across layers.
template<typename T> class [[nodiscard]] Result {
public:
    Result(T value) : m_state(std::move(value)) { }     // NOLINT(google-explicit-constructor)
    Result(Error error) : m_state(std::move(error)) { } // NOLINT(google-explicit-constructor)

    bool ok() const { return std::holds_alternative<T>(m_state); }
    explicit operator bool() const { return ok(); }

    T& value() & { return std::get<T>(m_state); }
    const T& value() const& { return std::get<T>(m_state); }
    T&& value() && { return std::get<T>(std::move(m_state)); }
    const Error& error() const { return std::get<Error>(m_state); }

    T* operator->() { return &value(); }
    const T* operator->() const { return &value(); }
    T& operator*() & { return value(); }
    const T& operator*() const& { return value(); }

private:
    std::variant<T, Error> m_state;
};

/// Result of an operation that yields nothing but may fail.
class [[nodiscard]] Status {
public:
    Status() = default;
    Status(Error error) : m_error(std::move(error)) { } // NOLINT(google-explicit-constructor)

    bool ok() const { return !m_error.has_value(); }
    explicit operator bool() const { return ok(); }
    const Error& error() const { return *m_error; }

private:
    std::optional<Error> m_error;
};

} // namespace mu
