package dev.vectorvault.text;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vectorvault.common.MilvusException;
import dev.vectorvault.index.SparseVector;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;
import org.apache.lucene.analysis.Analyzer;
import org.apache.lucene.analysis.CharArraySet;
import org.apache.lucene.analysis.LowerCaseFilter;
import org.apache.lucene.analysis.StopFilter;
import org.apache.lucene.analysis.TokenStream;
import org.apache.lucene.analysis.Tokenizer;
import org.apache.lucene.analysis.cn.smart.HMMChineseTokenizer;
import org.apache.lucene.analysis.da.DanishAnalyzer;
import org.apache.lucene.analysis.de.GermanAnalyzer;
import org.apache.lucene.analysis.en.EnglishAnalyzer;
import org.apache.lucene.analysis.es.SpanishAnalyzer;
import org.apache.lucene.analysis.fi.FinnishAnalyzer;
import org.apache.lucene.analysis.fr.FrenchAnalyzer;
import org.apache.lucene.analysis.hu.HungarianAnalyzer;
import org.apache.lucene.analysis.it.ItalianAnalyzer;
import org.apache.lucene.analysis.miscellaneous.ASCIIFoldingFilter;
import org.apache.lucene.analysis.nl.DutchAnalyzer;
import org.apache.lucene.analysis.no.NorwegianAnalyzer;
import org.apache.lucene.analysis.pt.PortugueseAnalyzer;
import org.apache.lucene.analysis.ru.RussianAnalyzer;
import org.apache.lucene.analysis.snowball.SnowballFilter;
import org.apache.lucene.analysis.sv.SwedishAnalyzer;
import org.apache.lucene.analysis.tokenattributes.CharTermAttribute;
import org.apache.lucene.analysis.tokenattributes.OffsetAttribute;
import org.apache.lucene.analysis.tokenattributes.PositionIncrementAttribute;
import org.apache.lucene.analysis.tokenattributes.PositionLengthAttribute;
import org.apache.lucene.analysis.util.CharTokenizer;
import org.tartarus.snowball.SnowballStemmer;

/**
 * One Milvus analyzer ({@code analyzer_params} of a VarChar field with {@code enable_analyzer}) as a Lucene
 * {@link Analyzer}. Absent or {@code {}} params mean {@code standard}.
 * <ul>
 * <li>Built-in {@code "type"}: {@code standard} (Milvus's tokenizer, below, + lowercase), {@code english} (+ the
 *     Snowball English stemmer, then Lucene's English stop words), {@code chinese} (Lucene's smartcn HMM word
 *     segmenter in place of jieba, + {@code cnalphanumonly}); each takes only an extra {@code "stop_words"} list.</li>
 * <li>Custom: {@code "tokenizer"} ({@code standard}, {@code whitespace}, {@code jieba} = smartcn; a name or
 *     {@code {"type":..}}) and {@code "filter"}: {@code lowercase}, {@code asciifolding}, {@code alphanumonly},
 *     {@code cncharonly}, {@code cnalphanumonly}, {@code removepunct}, {@code {"type":"stop","stop_words":[..]}}
 *     (lists may name {@code _english_}, {@code _french_}, ...), {@code {"type":"stemmer","language":..}},
 *     {@code {"type":"length","max":N}} (drops tokens over N UTF-8 bytes).</li>
 * </ul>
 * Milvus's {@code standard} tokenizer (tantivy's SimpleTokenizer) splits on every character that is not alphanumeric,
 * so it is Lucene's {@link CharTokenizer} with that test, not Lucene's StandardTokenizer (UAX#29 words, which splits
 * CJK runs and keeps "3.5" whole). Anything else is refused naming what is not supported; nothing is ignored.
 * Immutable and thread-safe (Lucene reuses token streams per thread).
 */
public final class TextAnalyzer {
    /** Longest token the tokenizers emit whole, in chars (a VarChar holds at most 65,535 bytes). */
    private static final int MAX_TOKEN_CHARS = 65_535;
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int CACHE_LIMIT = 256;
    private static final Map<String, TextAnalyzer> CACHE = new ConcurrentHashMap<>();
    public static final TextAnalyzer STANDARD = fromParams(null);

    private final Analyzer analyzer;

    private TextAnalyzer(Supplier<Tokenizer> tokenizer, List<UnaryOperator<TokenStream>> filters) {
        this.analyzer = new Analyzer() {
            @Override
            protected TokenStreamComponents createComponents(String fieldName) {
                Tokenizer source = tokenizer.get();
                TokenStream stream = source;
                for (UnaryOperator<TokenStream> filter : filters) {
                    stream = filter.apply(stream);
                }
                return new TokenStreamComponents(source, stream);
            }
        };
    }

    /**
     * The analyzer {@code params} (Milvus's JSON string; null or blank: standard) describe.
     *
     * @throws MilvusException 1100 naming what is wrong or not supported
     */
    public static TextAnalyzer fromParams(String params) {
        String key = params == null ? "" : params.trim();
        TextAnalyzer cached = CACHE.get(key);
        if (cached != null) {
            return cached;
        }
        TextAnalyzer built = build(key);
        if (CACHE.size() >= CACHE_LIMIT) {
            CACHE.clear();
        }
        CACHE.put(key, built);
        return built;
    }

    /** The Lucene analyzer itself (tests compare with Lucene's own scoring through it). */
    public Analyzer lucene() {
        return analyzer;
    }

    /** The tokens of {@code text} with offsets (UTF-8 bytes), positions and hashes. */
    public List<AnalyzerToken> analyze(String text) {
        int[] byteOffset = utf8Offsets(text);
        List<AnalyzerToken> tokens = new ArrayList<>();
        try (TokenStream stream = analyzer.tokenStream("", text)) {
            CharTermAttribute term = stream.addAttribute(CharTermAttribute.class);
            OffsetAttribute offset = stream.addAttribute(OffsetAttribute.class);
            PositionIncrementAttribute increment = stream.addAttribute(PositionIncrementAttribute.class);
            PositionLengthAttribute length = stream.addAttribute(PositionLengthAttribute.class);
            stream.reset();
            int position = -1;
            while (stream.incrementToken()) {
                position += increment.getPositionIncrement();
                String token = term.toString();
                tokens.add(new AnalyzerToken(token, byteOffset[offset.startOffset()], byteOffset[offset.endOffset()],
                        Math.max(position, 0), length.getPositionLength(), TermHash.of(token)));
            }
            stream.end();
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a String reader never fails
        }
        return tokens;
    }

    /**
     * Where the tokens of {@code text} that are among {@code terms} lie, in token order, as {@code [start, end)} char
     * offsets into {@code text} (the highlighter's matches; a stemmed token spans the word it came from).
     */
    public List<TextSpan> spansOf(String text, Set<String> terms) {
        List<TextSpan> spans = new ArrayList<>();
        if (terms.isEmpty() || text.isEmpty()) {
            return spans;
        }
        try (TokenStream stream = analyzer.tokenStream("", text)) {
            CharTermAttribute term = stream.addAttribute(CharTermAttribute.class);
            OffsetAttribute offset = stream.addAttribute(OffsetAttribute.class);
            stream.reset();
            while (stream.incrementToken()) {
                if (terms.contains(term.toString())) {
                    spans.add(new TextSpan(offset.startOffset(), offset.endOffset()));
                }
            }
            stream.end();
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a String reader never fails
        }
        return spans;
    }

    /** The token strings of {@code text}, in order. */
    public List<String> terms(String text) {
        return analyze(text).stream().map(AnalyzerToken::token).toList();
    }

    /**
     * The BM25 function's vector of {@code text}: per distinct term id, how often its tokens occur (an empty text,
     * or null, gives the empty row). Two tokens with one hash add up, as in Milvus.
     */
    public SparseVector termFrequencies(String text) {
        if (text == null || text.isEmpty()) {
            return SparseVector.EMPTY;
        }
        // Every insert of a BM25 collection comes through here: the term ids are hashed from the term buffer and
        // collected into a primitive array, counted after one sort, with no objects, offsets or map entries per token.
        long[] hashes = new long[32];
        int count = 0;
        TermHash.Hasher hasher = new TermHash.Hasher();
        try (TokenStream stream = analyzer.tokenStream("", text)) {
            CharTermAttribute term = stream.addAttribute(CharTermAttribute.class);
            stream.reset();
            while (stream.incrementToken()) {
                if (count == hashes.length) {
                    hashes = Arrays.copyOf(hashes, count * 2);
                }
                hashes[count++] = hasher.of(term.buffer(), term.length());
            }
            stream.end();
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a String reader never fails
        }
        Arrays.sort(hashes, 0, count);
        long[] indices = new long[count];
        float[] values = new float[count];
        int distinct = 0;
        for (int i = 0; i < count; ) {
            int run = i;
            while (run < count && hashes[run] == hashes[i]) {
                run++;
            }
            indices[distinct] = hashes[i];
            values[distinct++] = run - i;
            i = run;
        }
        return SparseVector.of(Arrays.copyOf(indices, distinct), Arrays.copyOf(values, distinct));
    }

    private static int[] utf8Offsets(String text) {
        int[] offsets = new int[text.length() + 1];
        int bytes = 0;
        for (int i = 0; i < text.length(); i++) {
            offsets[i] = bytes;
            char c = text.charAt(i);
            if (c < 0x80) {
                bytes += 1;
            } else if (c < 0x800) {
                bytes += 2;
            } else if (Character.isHighSurrogate(c)) {
                bytes += 4;
                offsets[++i] = bytes; // the low surrogate starts nothing of its own
                continue;
            } else if (Character.isLowSurrogate(c)) {
                bytes += 0;
            } else {
                bytes += 3;
            }
        }
        offsets[text.length()] = bytes;
        return offsets;
    }

    // ------------------------------------------------------------------ parsing analyzer_params

    private static TextAnalyzer build(String params) {
        JsonNode root;
        if (params.isEmpty()) {
            root = JSON.createObjectNode();
        } else {
            try {
                root = JSON.readTree(params);
            } catch (IOException e) {
                throw MilvusException.invalidParameter("analyzer params must be a JSON object: " + abbreviate(params));
            }
        }
        if (root == null || !root.isObject()) {
            throw MilvusException.invalidParameter("analyzer params must be a JSON object: " + abbreviate(params));
        }
        if (root.has("type")) {
            return builtIn(root);
        }
        for (Iterator<String> keys = root.fieldNames(); keys.hasNext(); ) {
            String key = keys.next();
            if (!key.equals("tokenizer") && !key.equals("filter")) {
                throw MilvusException.invalidParameter("unknown analyzer option key: " + key);
            }
        }
        if (!root.has("tokenizer")) {
            if (root.has("filter")) {
                throw MilvusException.invalidParameter("tokenizer name or type must be set");
            }
            return builtIn(JSON.createObjectNode().put("type", "standard"));
        }
        List<UnaryOperator<TokenStream>> filters = new ArrayList<>();
        JsonNode filterList = root.get("filter");
        if (filterList != null) {
            if (!filterList.isArray()) {
                throw MilvusException.invalidParameter("analyzer filter should be a list");
            }
            for (JsonNode filter : filterList) {
                filters.add(filter(filter));
            }
        }
        return new TextAnalyzer(tokenizer(root.get("tokenizer")), filters);
    }

    private static TextAnalyzer builtIn(JsonNode root) {
        JsonNode type = root.get("type");
        for (Iterator<String> keys = root.fieldNames(); keys.hasNext(); ) {
            String key = keys.next();
            if (!key.equals("type") && !key.equals("stop_words")) {
                throw MilvusException.invalidParameter("unknown option " + key + " for built-in analyzer "
                        + type.asText() + " (it takes only stop_words)");
            }
        }
        List<UnaryOperator<TokenStream>> filters = new ArrayList<>();
        Supplier<Tokenizer> tokenizer;
        switch (type.isTextual() ? type.asText() : "") {
            case "standard" -> {
                tokenizer = TextAnalyzer::milvusStandardTokenizer;
                filters.add(LowerCaseFilter::new);
            }
            case "english" -> {
                tokenizer = TextAnalyzer::milvusStandardTokenizer;
                filters.add(LowerCaseFilter::new);
                filters.add(stemmer("english"));
                filters.add(in -> new StopFilter(in, EnglishAnalyzer.ENGLISH_STOP_WORDS_SET));
            }
            case "chinese" -> {
                tokenizer = HMMChineseTokenizer::new;
                filters.add(in -> TokenFilters.keeping(in, TokenFilters::hanOrAsciiAlphanumeric));
            }
            default -> throw MilvusException.invalidParameter("unknown build-in analyzer type: " + type.asText()
                    + " (supported: standard, english, chinese)");
        }
        if (root.has("stop_words")) {
            CharArraySet words = stopWords(root.get("stop_words"));
            if (!words.isEmpty()) {
                filters.add(in -> new StopFilter(in, words));
            }
        }
        return new TextAnalyzer(tokenizer, filters);
    }

    private static Supplier<Tokenizer> tokenizer(JsonNode spec) {
        String name;
        if (spec.isTextual()) {
            name = spec.asText();
        } else if (spec.isObject() && spec.has("type") && spec.get("type").isTextual()) {
            name = spec.get("type").asText();
            for (Iterator<String> keys = spec.fieldNames(); keys.hasNext(); ) {
                String key = keys.next();
                if (!key.equals("type")) {
                    throw MilvusException.invalidParameter("tokenizer option " + key + " of " + name
                            + " is not supported by this server");
                }
            }
        } else {
            throw MilvusException.invalidParameter("tokenizer must be a name or an object with a type, got "
                    + abbreviate(spec.toString()));
        }
        return switch (name) {
            case "standard" -> TextAnalyzer::milvusStandardTokenizer;
            case "whitespace" -> TextAnalyzer::whitespaceTokenizer;
            case "jieba" -> HMMChineseTokenizer::new;
            default -> throw MilvusException.invalidParameter("tokenizer " + name + " is not supported by this server"
                    + " (supported: standard, whitespace, jieba)");
        };
    }

    private static UnaryOperator<TokenStream> filter(JsonNode spec) {
        if (spec.isTextual()) {
            return switch (spec.asText()) {
                case "lowercase" -> LowerCaseFilter::new;
                case "asciifolding" -> ASCIIFoldingFilter::new;
                case "alphanumonly" -> in -> TokenFilters.keeping(in, TokenFilters::asciiAlphanumeric);
                case "cncharonly" -> in -> TokenFilters.keeping(in, TokenFilters::han);
                case "cnalphanumonly" -> in -> TokenFilters.keeping(in, TokenFilters::hanOrAsciiAlphanumeric);
                case "removepunct" -> in -> TokenFilters.keeping(in, TokenFilters::notOnlyPunctuation);
                default -> throw MilvusException.invalidParameter("filter " + spec.asText()
                        + " is not supported by this server");
            };
        }
        if (!spec.isObject() || !spec.has("type") || !spec.get("type").isTextual()) {
            throw MilvusException.invalidParameter("filter must be a name or an object with a type, got "
                    + abbreviate(spec.toString()));
        }
        String type = spec.get("type").asText();
        return switch (type) {
            case "stop" -> {
                onlyKeys(spec, type, "stop_words");
                CharArraySet words = stopWords(spec.get("stop_words"));
                yield in -> new StopFilter(in, words);
            }
            case "stemmer" -> {
                onlyKeys(spec, type, "language");
                JsonNode language = spec.get("language");
                if (language == null || !language.isTextual()) {
                    throw MilvusException.invalidParameter("stemmer language name must be set");
                }
                yield stemmer(language.asText());
            }
            case "length" -> {
                onlyKeys(spec, type, "max");
                JsonNode max = spec.get("max");
                if (max == null || !max.canConvertToInt() || !max.isIntegralNumber() || max.intValue() < 0) {
                    throw MilvusException.invalidParameter("length filter max must be a non-negative integer");
                }
                int limit = max.intValue();
                yield in -> TokenFilters.keeping(in, TokenFilters.atMostBytes(limit));
            }
            case "lowercase", "asciifolding", "alphanumonly", "cncharonly", "cnalphanumonly", "removepunct" -> {
                onlyKeys(spec, type);
                yield filter(spec.get("type"));
            }
            default -> throw MilvusException.invalidParameter("filter type " + type
                    + " is not supported by this server");
        };
    }

    private static void onlyKeys(JsonNode spec, String type, String... allowed) {
        for (Iterator<String> keys = spec.fieldNames(); keys.hasNext(); ) {
            String key = keys.next();
            if (!key.equals("type") && !List.of(allowed).contains(key)) {
                throw MilvusException.invalidParameter("unknown option " + key + " for filter " + type);
            }
        }
    }

    private static UnaryOperator<TokenStream> stemmer(String language) {
        Supplier<SnowballStemmer> stemmer = switch (language.toLowerCase(java.util.Locale.ROOT)) {
            case "arabic" -> org.tartarus.snowball.ext.ArabicStemmer::new;
            case "danish" -> org.tartarus.snowball.ext.DanishStemmer::new;
            case "dutch" -> org.tartarus.snowball.ext.DutchStemmer::new;
            case "english" -> org.tartarus.snowball.ext.EnglishStemmer::new;
            case "finnish" -> org.tartarus.snowball.ext.FinnishStemmer::new;
            case "french" -> org.tartarus.snowball.ext.FrenchStemmer::new;
            case "german" -> org.tartarus.snowball.ext.GermanStemmer::new;
            case "greek" -> org.tartarus.snowball.ext.GreekStemmer::new;
            case "hungarian" -> org.tartarus.snowball.ext.HungarianStemmer::new;
            case "italian" -> org.tartarus.snowball.ext.ItalianStemmer::new;
            case "norwegian" -> org.tartarus.snowball.ext.NorwegianStemmer::new;
            case "portuguese" -> org.tartarus.snowball.ext.PortugueseStemmer::new;
            case "romanian" -> org.tartarus.snowball.ext.RomanianStemmer::new;
            case "russian" -> org.tartarus.snowball.ext.RussianStemmer::new;
            case "spanish" -> org.tartarus.snowball.ext.SpanishStemmer::new;
            case "swedish" -> org.tartarus.snowball.ext.SwedishStemmer::new;
            case "tamil" -> org.tartarus.snowball.ext.TamilStemmer::new;
            case "turkish" -> org.tartarus.snowball.ext.TurkishStemmer::new;
            default -> throw MilvusException.invalidParameter("unsupported stemmer language: " + language);
        };
        return in -> new SnowballFilter(in, stemmer.get());
    }

    private static CharArraySet stopWords(JsonNode list) {
        if (list == null || !list.isArray()) {
            throw MilvusException.invalidParameter("stop_words should be a list of strings");
        }
        CharArraySet words = new CharArraySet(16, false);
        for (JsonNode word : list) {
            if (!word.isTextual()) {
                throw MilvusException.invalidParameter("stop_words should be a list of strings");
            }
            switch (word.asText()) {
                case "_english_" -> words.addAll(EnglishAnalyzer.ENGLISH_STOP_WORDS_SET);
                case "_danish_" -> words.addAll(DanishAnalyzer.getDefaultStopSet());
                case "_dutch_" -> words.addAll(DutchAnalyzer.getDefaultStopSet());
                case "_finnish_" -> words.addAll(FinnishAnalyzer.getDefaultStopSet());
                case "_french_" -> words.addAll(FrenchAnalyzer.getDefaultStopSet());
                case "_german_" -> words.addAll(GermanAnalyzer.getDefaultStopSet());
                case "_hungarian_" -> words.addAll(HungarianAnalyzer.getDefaultStopSet());
                case "_italian_" -> words.addAll(ItalianAnalyzer.getDefaultStopSet());
                case "_norwegian_" -> words.addAll(NorwegianAnalyzer.getDefaultStopSet());
                case "_portuguese_" -> words.addAll(PortugueseAnalyzer.getDefaultStopSet());
                case "_russian_" -> words.addAll(RussianAnalyzer.getDefaultStopSet());
                case "_spanish_" -> words.addAll(SpanishAnalyzer.getDefaultStopSet());
                case "_swedish_" -> words.addAll(SwedishAnalyzer.getDefaultStopSet());
                default -> words.add(word.asText());
            }
        }
        return CharArraySet.unmodifiableSet(words);
    }

    /** tantivy's SimpleTokenizer: a token is a maximal run of alphanumeric characters (Rust's is_alphanumeric). */
    private static Tokenizer milvusStandardTokenizer() {
        return new CharTokenizer(TokenStream.DEFAULT_TOKEN_ATTRIBUTE_FACTORY, MAX_TOKEN_CHARS) {
            @Override
            protected boolean isTokenChar(int c) {
                if (c < 0x80) { // the same answer as below for ASCII, without the Unicode tables
                    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
                }
                return Character.isAlphabetic(c) || Character.isDigit(c)
                        || Character.getType(c) == Character.OTHER_NUMBER
                        || Character.getType(c) == Character.LETTER_NUMBER;
            }
        };
    }

    /** tantivy's WhitespaceTokenizer: tokens are separated by ASCII whitespace. */
    private static Tokenizer whitespaceTokenizer() {
        return new CharTokenizer(TokenStream.DEFAULT_TOKEN_ATTRIBUTE_FACTORY, MAX_TOKEN_CHARS) {
            @Override
            protected boolean isTokenChar(int c) {
                return !(c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f');
            }
        };
    }

    private static String abbreviate(String text) {
        return text.length() > 80 ? text.substring(0, 80) + "..." : text;
    }

    static String utf8(byte[] bytes) {
        return new String(bytes, StandardCharsets.UTF_8);
    }
}
