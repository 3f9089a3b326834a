package dev.vectorvault.query;

import dev.vectorvault.catalog.Collection;
import dev.vectorvault.catalog.FieldSchema;
import dev.vectorvault.catalog.FunctionSchema;
import dev.vectorvault.common.MilvusException;
import dev.vectorvault.config.ServerConfig;
import dev.vectorvault.text.HighlightOptions;
import dev.vectorvault.text.TermHighlighter;
import dev.vectorvault.text.TextAnalyzer;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A {@link LexicalHighlighter} checked against the searched collection, as Milvus checks it: {@code
 * highlight_search_text} needs a full-text search (the searched field a BM25 function's output), whose input field
 * is then highlighted with each query's own text (query i's terms mark query i's hits); each {@code highlight_query}
 * names a field that must exist and have an analyzer ({@code enable_analyzer}), its terms marking every hit. One task
 * per field (the search text's first, then the queries' in order), the terms of all its sources together.
 * The highlighted fields' texts are read with the hits whether or not they are output fields.
 */
final class Highlighting {
    private final List<Task> tasks;
    private final HighlightOptions options;
    private final long maxChars;

    /** One highlighted field: its analyzer, its terms per query (search texts) and for every hit (queries). */
    private record Task(FieldSchema field, int index, TextAnalyzer analyzer, List<Set<String>> perQuery,
                        Set<String> always) {}

    private Highlighting(List<Task> tasks, HighlightOptions options, long maxChars) {
        this.tasks = tasks;
        this.options = options;
        this.maxChars = maxChars;
    }

    /** The highlighter of {@code request}'s search, or null when it has none. */
    static Highlighting prepare(Collection collection, PreparedSearch search, SearchRequest request,
                                LexicalHighlighter highlighter, ServerConfig.SearchLimits limits) {
        if (highlighter == null) {
            return null;
        }
        List<FieldSchema> fields = collection.schema().fields();
        Map<String, Task> byField = new LinkedHashMap<>();
        if (highlighter.highlightSearchText()) {
            FunctionSchema bm25 = collection.schema().bm25Producing(search.field.name()).orElseThrow(() ->
                    MilvusException.invalidParameter("Search highlight only support with metric type \"BM25\" but"
                            + " was: " + search.metric.wireName()));
            FieldSchema input = collection.schema().field(bm25.inputField()).orElseThrow();
            TextAnalyzer analyzer = TextAnalyzer.fromParams(input.analyzerParams());
            List<Set<String>> perQuery = new ArrayList<>();
            for (String text : request.texts()) {
                perQuery.add(new HashSet<>(analyzer.terms(text)));
            }
            byField.put(input.name(), new Task(input, fields.indexOf(input), analyzer, perQuery, new HashSet<>()));
        }
        for (LexicalHighlighter.HighlightQuery query : highlighter.queries()) {
            FieldSchema field = collection.schema().field(query.field()).orElseThrow(() ->
                    MilvusException.invalidParameter("highlight field not found in schema: " + query.field()));
            Task task = byField.get(field.name());
            if (task == null) {
                if (!field.enableAnalyzer()) {
                    // Milvus finds no analyzer for such a field and answers this once the search has run.
                    throw MilvusException.invalidParameter("get highlight failed, the highlight field not found, "
                            + field.name() + ":" + field.fieldId());
                }
                task = new Task(field, fields.indexOf(field), TextAnalyzer.fromParams(field.analyzerParams()),
                        List.of(), new HashSet<>());
                byField.put(field.name(), task);
            }
            task.always().addAll(task.analyzer().terms(query.text()));
        }
        for (Task task : byField.values()) {
            collection.loadedFields().requireOutput(task.field());
        }
        return new Highlighting(List.copyOf(byField.values()), highlighter.options(), limits.maxHighlightChars());
    }

    /** Marks the highlighted fields as read with each hit. */
    void read(boolean[] copied) {
        for (Task task : tasks) {
            copied[task.index()] = true;
        }
    }

    /**
     * The fragments of every hit of {@code rows} ({@code perQuery} hits per query, flat), field by field.
     *
     * @throws MilvusException 1100 when the fragments together exceed {@code proxy.highlighter.maxResultChars}
     */
    List<FieldHighlights> apply(List<Object[]> rows, int[] perQuery) {
        List<FieldHighlights> out = new ArrayList<>();
        if (rows.isEmpty()) {
            return out; // Milvus answers no highlight results for a search without hits
        }
        long chars = 0;
        for (Task task : tasks) {
            List<List<String>> fragments = new ArrayList<>(rows.size());
            int hit = 0;
            for (int q = 0; q < perQuery.length; q++) {
                Set<String> terms = terms(task, q);
                for (int i = 0; i < perQuery[q]; i++, hit++) {
                    String text = (String) rows.get(hit)[task.index()];
                    List<String> found = TermHighlighter.highlight(task.analyzer(), text, terms, options);
                    for (String fragment : found) {
                        chars += fragment.length();
                    }
                    if (maxChars > 0 && chars > maxChars) {
                        throw MilvusException.invalidParameterAsIs("the highlights of this search exceed"
                                + " proxy.highlighter.maxResultChars [" + maxChars + "] characters; ask for fewer"
                                + " or smaller fragments (num_of_fragments, fragment_size) or fewer hits");
                    }
                    fragments.add(found);
                }
            }
            out.add(new FieldHighlights(task.field().name(), fragments));
        }
        return out;
    }

    private static Set<String> terms(Task task, int query) {
        if (task.perQuery().isEmpty()) {
            return task.always();
        }
        Set<String> terms = new HashSet<>(task.always());
        if (query < task.perQuery().size()) {
            terms.addAll(task.perQuery().get(query));
        }
        return terms;
    }
}
