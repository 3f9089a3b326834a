package dev.vectorvault.query;

import dev.vectorvault.catalog.Collection;
import dev.vectorvault.catalog.FieldSchema;
import dev.vectorvault.catalog.FunctionSchema;
import dev.vectorvault.text.TextAnalyzer;
import java.util.List;

/**
 * The fields a collection's functions compute at insert and upsert: a BM25 output is its input text's term
 * frequencies by term id ({@link TextAnalyzer#termFrequencies}, the input field's analyzer); a null or empty text
 * gives the empty row, as in Milvus.
 */
final class FunctionOutputs {
    private static final FunctionOutputs NONE = new FunctionOutputs(new int[0], new int[0], new TextAnalyzer[0]);

    private final int[] outputs;
    private final int[] inputs;
    private final TextAnalyzer[] analyzers;

    private FunctionOutputs(int[] outputs, int[] inputs, TextAnalyzer[] analyzers) {
        this.outputs = outputs;
        this.inputs = inputs;
        this.analyzers = analyzers;
    }

    static FunctionOutputs of(Collection collection) {
        List<FunctionSchema> functions = collection.schema().functions();
        if (functions.isEmpty()) {
            return NONE;
        }
        List<FieldSchema> fields = collection.schema().fields();
        int n = functions.size();
        int[] outputs = new int[n];
        int[] inputs = new int[n];
        TextAnalyzer[] analyzers = new TextAnalyzer[n];
        for (int i = 0; i < n; i++) {
            FunctionSchema function = functions.get(i);
            FieldSchema input = collection.schema().field(function.inputField()).orElseThrow();
            outputs[i] = fields.indexOf(collection.schema().field(function.outputField()).orElseThrow());
            inputs[i] = fields.indexOf(input);
            analyzers[i] = TextAnalyzer.fromParams(input.analyzerParams());
        }
        return new FunctionOutputs(outputs, inputs, analyzers);
    }

    /** Whether column {@code field} is computed (the client never sends it). */
    boolean computes(int field) {
        for (int output : outputs) {
            if (output == field) {
                return true;
            }
        }
        return false;
    }

    /** Computes every output column of {@code row} from its input columns. */
    void fill(Object[] row) {
        for (int i = 0; i < outputs.length; i++) {
            row[outputs[i]] = analyzers[i].termFrequencies((String) row[inputs[i]]);
        }
    }
}
