#include <gtest/gtest.h>
#include <yaml-cpp/yaml.h>

#include <filesystem>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "pipeline/metrics.h"
#include "pipeline/processor_registry.h"
#include "processors/langid/cld2_detector.h"
#include "processors/langid/fasttext_model.h"
#include "processors/langid/langid_processor.h"

namespace newsflow {
namespace {

// The model lives in the source tree (git-ignored); scripts/fetch_models.sh puts it there,
// and the CI setup runs that, so a missing file is a real failure.
const char* const model_path = NEWSFLOW_LANGID_MODEL;

std::shared_ptr<const fasttext_model> shared_model() {
  static std::shared_ptr<const fasttext_model> model = [] {
    return std::filesystem::exists(model_path)
               ? std::make_shared<const fasttext_model>(model_path)
               : nullptr;
  }();
  return model;
}

class Langid : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(std::filesystem::exists(model_path))
        << model_path << " is missing: run scripts/fetch_models.sh";
  }
  langid_processor make(langid_options o = {}) {
    return langid_processor(o, shared_model(), metrics);
  }
  language_guess id(std::string_view body, std::string_view title = {},
                    std::string_view hint = {}) {
    return make().identify(title, body, hint);
  }
  metrics_registry metrics;
};

// Fixtures written for these tests (not from any evaluation set).
const char* const english_long =
    "The city council voted on Tuesday evening to extend the night bus service to the "
    "northern suburbs, after months of complaints from shift workers who said they had no "
    "way to get home once the last train had left. The new routes will start in March and "
    "will be paid for by a small increase in parking fees in the town centre.";
const char* const german_long =
    "Der Stadtrat hat am Dienstagabend beschlossen, den Nachtbusverkehr in die nördlichen "
    "Vororte auszuweiten, nachdem sich Schichtarbeiter monatelang beschwert hatten, dass sie "
    "nach der letzten Bahn nicht mehr nach Hause kämen.";
const char* const russian_long =
    "Городской совет во вторник вечером проголосовал за продление ночных автобусных "
    "маршрутов в северные пригороды после многомесячных жалоб работников ночных смен.";
const char* const arabic_long =
    "صوت مجلس المدينة مساء الثلاثاء على تمديد خدمة الحافلات الليلية إلى الضواحي الشمالية "
    "بعد أشهر من شكاوى العمال الذين قالوا إنه لا توجد وسيلة للعودة إلى منازلهم.";
const char* const chinese_long =
    "市议会星期二晚上投票决定将夜间公交服务延伸到北部郊区，此前轮班工人抱怨了好几个月，"
    "说末班火车开走以后他们就没有办法回家了。";
const char* const japanese_long =
    "市議会は火曜日の夜、北部の郊外まで夜行バスの運行を延長することを決めました。"
    "交代勤務の人たちから、終電の後に家に帰る方法がないという苦情が何か月も続いていました。";
const char* const hindi_long =
    "नगर परिषद ने मंगलवार शाम को रात की बस सेवा को उत्तरी उपनगरों तक बढ़ाने के लिए मतदान "
    "किया, क्योंकि पाली में काम करने वाले लोग महीनों से शिकायत कर रहे थे कि आखिरी ट्रेन के बाद "
    "उनके पास घर जाने का कोई रास्ता नहीं है।";

TEST_F(Langid, LongTextsInSeveralScripts) {
  struct {
    const char* text;
    const char* code;
  } cases[] = {{english_long, "en"}, {german_long, "de"}, {russian_long, "ru"},
               {arabic_long, "ar"},  {chinese_long, "zh"}, {japanese_long, "ja"},
               {hindi_long, "hi"}};
  for (const auto& c : cases) {
    const language_guess g = id(c.text);
    EXPECT_EQ(g.code, c.code) << c.text;
    EXPECT_GT(g.confidence, 0.9) << c.text;
    EXPECT_TRUE(g.reliable) << c.text;
  }
}

TEST_F(Langid, ShortTexts) {
  EXPECT_EQ(id("Where is the nearest train station?").code, "en");
  EXPECT_EQ(id("Wo ist der nächste Bahnhof?").code, "de");
  EXPECT_EQ(id("Où est la gare la plus proche ?").code, "fr");
  EXPECT_EQ(id("Где ближайший вокзал?").code, "ru");
  EXPECT_EQ(id("أين أقرب محطة قطار؟").code, "ar");
  EXPECT_EQ(id("最近的火车站在哪里？").code, "zh");
  EXPECT_EQ(id("सबसे नज़दीकी रेलवे स्टेशन कहाँ है?").code, "hi");
  EXPECT_EQ(id("האם יש כאן תחנת רכבת קרובה?").code, "he");  // fastText he, CLD2 iw
}

TEST_F(Langid, TitleAndBodyAreReadTogether) {
  const language_guess g = id("Kurz notiert.", "Der Stadtrat verlängert den Nachtbus");
  EXPECT_EQ(g.code, "de");
}

TEST_F(Langid, MixedLanguageTextGetsTheMajorityLanguageWithLessConfidence) {
  const std::string mixed = std::string(english_long) + " Der Stadtrat hat abgestimmt.";
  const language_guess g = id(mixed);
  EXPECT_EQ(g.code, "en");
  const std::string half = std::string(german_long) + " " + english_long;
  const language_guess h = id(half);
  EXPECT_TRUE(h.code == "en" || h.code == "de") << h.code;
  EXPECT_LT(h.confidence, id(english_long).confidence);
}

TEST_F(Langid, EmptyAndNonLinguisticInputIsUndetermined) {
  for (const char* text : {"", "   \n\n ", "12345 678.90 -- 2026-11-25", "!!! ??? … ***",
                           "https://www.example.com/a/b?c=d user@example.org",
                           "€ 45,00 / $ 12 = 3.75 %"}) {
    const language_guess g = id(text);
    EXPECT_EQ(g.code, "und") << '"' << text << '"';
    EXPECT_EQ(g.confidence, 0) << '"' << text << '"';
    EXPECT_FALSE(g.reliable);
  }
}

TEST_F(Langid, UrlsDoNotPullTowardsEnglish) {
  EXPECT_EQ(id("https://www.example.com/news/politik Der Stadtrat hat den Nachtbus verlängert").code,
            "de");
}

TEST_F(Langid, HintTipsOnlyCloseCalls) {
  // Strong evidence wins over a wrong hint.
  EXPECT_EQ(id(english_long, "", "de").code, "en");
  // A hint for a language no detector proposed changes nothing.
  EXPECT_EQ(id("Wo ist der nächste Bahnhof?", "", "ja").code, "de");
  // Hints are read in any usual spelling.
  EXPECT_EQ(id(german_long, "", "DE-at").code, "de");
  // A close call (Dutch or Afrikaans) goes the hint's way.
  EXPECT_EQ(id("Het is mooi weer").code, "nl");
  EXPECT_EQ(id("Het is mooi weer", "", "af").code, "af");
  // An agreeing hint raises the confidence, a disagreeing one lowers it.
  const double plain = id("Dobar dan svima").confidence;
  EXPECT_GT(id("Dobar dan svima", "", "hr").confidence, plain);
  EXPECT_LT(id("Dobar dan svima", "", "sl").confidence, plain + 1e-9);
}

TEST_F(Langid, SerboCroatianIsResolvedToAMember) {
  const char* serbian_cyrillic =
      "Градско веће је у уторак увече гласало да се ноћни аутобуски превоз продужи до "
      "северних предграђа, после вишемесечних жалби радника у сменама.";
  EXPECT_EQ(id(serbian_cyrillic).code, "sr");
  const char* croatian =
      "Gradsko vijeće u utorak je navečer izglasalo produljenje noćnih autobusnih linija "
      "do sjevernih predgrađa, nakon višemjesečnih pritužbi radnika u smjenama.";
  const language_guess g = id(croatian);
  EXPECT_EQ(g.code, "hr");
}

TEST_F(Langid, LongTextIsCappedWithoutChangingTheAnswer) {
  std::string long_text;
  while (long_text.size() < 200000) long_text += std::string(german_long) + "\n\n";
  langid_options o;
  o.max_text_bytes = 500;
  EXPECT_EQ(make(o).identify("", long_text, "").code, "de");
  std::string cjk;
  while (cjk.size() < 100000) cjk += chinese_long;  // no spaces: cut inside the token
  EXPECT_EQ(make(o).identify("", cjk, "").code, "zh");
}

TEST_F(Langid, FastTextAloneWhenCld2IsOff) {
  langid_options o;
  o.cld2 = false;
  EXPECT_EQ(make(o).identify("", german_long, "").code, "de");
}

TEST_F(Langid, ProcessWritesTheEnrichmentMemberAndArticleLanguage) {
  auto p = make();
  article a;
  a.body = german_long;
  ASSERT_TRUE(p.process(a).has_value());
  EXPECT_EQ(a.language, "de");
  EXPECT_TRUE(a.enrichment.starts_with(R"("language":{"code":"de","confidence":)"))
      << a.enrichment;
  EXPECT_TRUE(a.enrichment.ends_with(R"(,"reliable":true})")) << a.enrichment;

  article e;
  ASSERT_TRUE(p.process(e).has_value());
  EXPECT_EQ(e.language, "und");
  EXPECT_EQ(e.enrichment, R"("language":{"code":"und","confidence":0,"reliable":false})");
  EXPECT_EQ(metrics.get_counter("newsflow_langid_undetermined_total", "").value(), 1u);
}

TEST_F(Langid, FactoryFindsTheModelRelativeToBaseDir) {
  config_errors errors;
  processor_context context{metrics, std::filesystem::path(model_path).parent_path().parent_path(), {}};
  auto p1 = make_langid_processor(YAML::Load("type: langid"), "chain[1]", errors, context);
  auto p2 = make_langid_processor(YAML::Load("{type: langid, model: models/lid.176.ftz}"),
                                  "chain[2]", errors, context);
  ASSERT_NE(p1, nullptr) << errors.joined();
  ASSERT_NE(p2, nullptr) << errors.joined();
  EXPECT_EQ(p1->name(), "langid");
  EXPECT_EQ(context.effective_options["model"].as<std::string>(), "models/lid.176.ftz");
}

TEST_F(Langid, ConcurrentCallsGiveTheSameAnswers) {
  auto p = make();
  const char* texts[] = {english_long, german_long, russian_long, arabic_long,
                         chinese_long, japanese_long, hindi_long};
  std::vector<std::string> expected;
  for (const char* t : texts) expected.emplace_back(p.identify("", t, "").code);
  std::vector<std::thread> threads;
  std::atomic<int> wrong{0};
  for (int t = 0; t < 4; ++t)
    threads.emplace_back([&, t] {
      for (int i = 0; i < 200; ++i) {
        const size_t k = static_cast<size_t>(i + t) % std::size(texts);
        if (p.identify("", texts[k], "").code != expected[k]) ++wrong;
      }
    });
  for (auto& th : threads) th.join();
  EXPECT_EQ(wrong.load(), 0);
}

}  // namespace
}  // namespace newsflow

namespace newsflow {
namespace {

TEST(LangidCld2, CodesAreMappedAndSharesGiven) {
  cld2_result r;
  cld2_detect("\u05d4\u05de\u05d5\u05e2\u05e6\u05d4 \u05d4\u05e6\u05d1\u05d9\u05e2\u05d4 "
              "\u05d1\u05e2\u05e8\u05d1 \u05e2\u05dc \u05d4\u05d0\u05e8\u05db\u05ea "
              "\u05e7\u05d5\u05d5\u05d9 \u05d4\u05d0\u05d5\u05d8\u05d5\u05d1\u05d5\u05e1 "
              "\u05d4\u05dc\u05d9\u05dc\u05d9\u05d9\u05dd",
              true, r);
  ASSERT_FALSE(r.languages.empty());
  EXPECT_EQ(r.languages[0].code, "he");  // CLD2 says "iw"
  EXPECT_GT(r.languages[0].score, 0.5);
  EXPECT_LE(r.languages[0].score, 1.0);
  cld2_detect("", true, r);
  EXPECT_TRUE(r.languages.empty());
}

TEST_F(Langid, CharacterNgramIdsMatchFastTextsOwn) {
  const auto model = shared_model();
  ASSERT_NE(model, nullptr);
  for (const char* word : {"<a>", "<news>", "<Nachtbusverkehr>", "<городской>", "<市议会星期二>",
                           "<नगर>", "<صوت>", "<x\xF0\x9F\x98\x80y>", "<>"}) {
    std::vector<int32_t> ours, theirs;
    model->char_ngrams(word, ours);
    model->reference_char_ngrams(word, theirs);
    EXPECT_EQ(ours, theirs) << word;
  }
}

}  // namespace
}  // namespace newsflow
