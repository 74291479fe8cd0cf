#pragma once

#include <string_view>

namespace newsflow {

// Output codes: ISO 639-1 where the language has one, else ISO 639-3; "und" for unknown.
//
// fastText lid.176 labels (without "__label__") and CLD2's LanguageCode() strings go through
// the same mapping:
//   - region/script subtags are dropped: CLD2 "zh-Hant" -> zh, "sr-ME" -> sr, "xx-Qaai" -> und
//   - deprecated or alias codes: iw -> he, in -> id, ji -> yi, jw -> jv, mo -> ro,
//     nb -> no (Bokmål as "no", the code crawlers and most corpora use; nn stays nn), fil -> tl
//   - individual languages of a macrolanguage that has a 639-1 code: arz -> ar (Egyptian
//     Arabic), azb -> az, pnb -> pa, zsm -> ms, pes -> fa
//   - fastText's "als" is Alemannic (ISO 639-3 gsw), not Tosk Albanian (639-3 als): -> gsw
//   - "sh" (Serbo-Croatian) stays sh here; the processor resolves it to hr/bs/sr by script
//     and by the second detector
//   - CLD2's "un", "xxx" / "xx-*" (unknown, script-only codes) -> und
// Anything else is returned as given. The result points at static storage or into `label`.
std::string_view map_language_label(std::string_view label);

}  // namespace newsflow
