#pragma once

namespace newsflow::exit_code {

inline constexpr int ok = 0;
inline constexpr int failure = 1;        // could not run or finish (I/O error, broker gone, ...)
inline constexpr int usage = 2;          // bad command line or configuration
inline constexpr int some_rejected = 3;  // finished, but some inputs were rejected

}  // namespace newsflow::exit_code
