// A casework system's client for `medaid serve`, in plain Java 11+ (java.net.http only, no libraries).
//
//   javac -d out MedaidClient.java && java -cp out MedaidClient http://127.0.0.1:8000
//
// It settles two claims of a dibao member through the ledger, sends one again (a duplicate: nothing more is
// paid), reads the person's usage, reverses (冲正) the inpatient claim, and checks every amount; a wrong
// amount or status makes it exit 1. Set MEDAID_TOKEN when the server was started with --token-file.
// Money travels as strings of yuan and is compared as BigDecimal, never as double.

import java.math.BigDecimal;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

public final class MedaidClient {
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final String base;
    private final String token = System.getenv("MEDAID_TOKEN");
    private int failures = 0;

    private MedaidClient(String base) {
        this.base = base.endsWith("/") ? base.substring(0, base.length() - 1) : base;
    }

    public static void main(String[] args) throws Exception {
        if (args.length < 1) {
            System.err.println("usage: java MedaidClient BASE_URL [RUN_ID]");
            System.exit(2);
        }
        String run = args.length > 1 ? args[1] : Long.toString(System.currentTimeMillis());
        MedaidClient client = new MedaidClient(args[0]);
        client.demo(run);
        if (client.failures > 0) {
            System.err.println(client.failures + " check(s) failed");
            System.exit(1);
        }
        System.out.println("OK: settled, read usage, reversed; every amount as expected");
    }

    private void demo(String run) throws Exception {
        String person = "JAVA-P-" + run;
        String outpatient = "JAVA-C-" + run + "-1";
        String inpatient = "JAVA-C-" + run + "-2";

        Map<String, Object> health = (Map<String, Object>) call("GET", "/v1/health", null, 200);
        System.out.println("medaid " + health.get("engine_version") + ", policy " + health.get("policy_hash"));

        // Two claims in one request (one transaction): 5 500 outpatient and 100 000 inpatient, 2023.
        String claims = "[" + claim(outpatient, person, "outpatient", "5500.00") + "," + claim(inpatient, person, "inpatient", "100000.00") + "]";
        List<Object> settled = list(call("POST", "/v1/ledger/claims", claims, 200), "settlements");
        Map<String, Object> first = (Map<String, Object>) settled.get(0);
        Map<String, Object> second = (Map<String, Object>) settled.get(1);
        check("outpatient status", "settled", first.get("status"));
        check("outpatient assistance (60 % of 5 200, capped at 2 800)", "2800.00", first.get("assistance"));
        check("outpatient deductible subsidy", "300.00", first.get("deductible_subsidy"));
        check("inpatient assistance (90 % of 100 000)", "90000.00", second.get("assistance"));

        // The same claim again, e.g. after a timeout: the stored settlement, marked duplicate, nothing more paid.
        Map<String, Object> again = (Map<String, Object>) list(call("POST", "/v1/ledger/claims", claim(outpatient, person, "outpatient", "5500.00"), 200), "settlements").get(0);
        check("repeat status", "duplicate", again.get("status"));
        check("repeat assistance", "2800.00", again.get("assistance"));

        Map<String, Object> usage = (Map<String, Object>) call("GET", "/v1/ledger/persons/" + person + "/years/2023", null, 200);
        Map<String, Object> in = (Map<String, Object>) usage.get("inpatient");
        Map<String, Object> out = (Map<String, Object>) usage.get("outpatient");
        check("inpatient paid", "90000.00", in.get("paid"));
        check("inpatient remaining of the 130 000 cap", "40000.00", in.get("remaining"));
        check("outpatient remaining of the 2 800 cap", "0.00", out.get("remaining"));

        Map<String, Object> reversal = (Map<String, Object>) call("POST", "/v1/ledger/claims/" + inpatient + "/reversal", "{\"reason\": \"entered twice\"}", 200);
        check("reversed assistance", "90000.00", reversal.get("assistance"));
        usage = (Map<String, Object>) call("GET", "/v1/ledger/persons/" + person + "/years/2023", null, 200);
        check("inpatient remaining after the reversal", "130000.00", ((Map<String, Object>) usage.get("inpatient")).get("remaining"));

        // Money as a JSON number is refused (never rounded), with a problem naming the field.
        String bad = claim("JAVA-C-" + run + "-3", person, "outpatient", "5500.00").replace("\"self_pay\": \"5500.00\"", "\"self_pay\": 5500.5");
        Map<String, Object> problem = (Map<String, Object>) call("POST", "/v1/ledger/claims", bad, 422);
        Map<String, Object> error = (Map<String, Object>) ((List<Object>) problem.get("errors")).get(0);
        check("problem pointer", "/self_pay", error.get("pointer"));
    }

    private static String claim(String id, String person, String kind, String selfPay) {
        return "{\"claim_id\": \"" + id + "\", \"person_id\": \"" + person + "\", \"district\": \"minhang\", \"date\": \"2023-03-01\", "
            + "\"category\": \"dibao\", \"kind\": \"" + kind + "\", \"self_pay\": \"" + selfPay + "\", \"resident_insurance\": true}";
    }

    private Object call(String method, String path, String body, int expected) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(30))
            .header("Accept-Language", "en");
        if (token != null && !token.isEmpty()) {
            request.header("Authorization", "Bearer " + token);
        }
        if (body == null) {
            request.GET();
        } else {
            request.header("Content-Type", "application/json").method(method, HttpRequest.BodyPublishers.ofString(body));
        }
        HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != expected) {
            throw new IllegalStateException(method + " " + path + ": HTTP " + response.statusCode() + ", expected " + expected + ": " + response.body());
        }
        if (response.headers().firstValue("Medaid-Policy-Hash").isEmpty()) {
            throw new IllegalStateException(method + " " + path + ": no Medaid-Policy-Hash header");
        }
        return new Json(response.body()).value();
    }

    private static List<Object> list(Object object, String key) {
        return (List<Object>) ((Map<String, Object>) object).get(key);
    }

    private void check(String what, String expected, Object actual) {
        boolean same = actual instanceof String && (expected.equals(actual) || isMoney(expected) && isMoney((String) actual)
            && new BigDecimal(expected).compareTo(new BigDecimal((String) actual)) == 0);
        System.out.println((same ? "ok   " : "FAIL ") + what + ": " + actual + (same ? "" : " (expected " + expected + ")"));
        if (!same) {
            failures++;
        }
    }

    private static boolean isMoney(String text) {
        return text.matches("-?[0-9]+(\\.[0-9]+)?");
    }

    /** A small JSON reader (objects, arrays, strings, numbers as BigDecimal, true/false/null): enough for the answers. */
    private static final class Json {
        private final String text;
        private int at = 0;

        Json(String text) {
            this.text = text;
        }

        Object value() {
            skip();
            char c = text.charAt(at);
            if (c == '{') {
                Map<String, Object> map = new LinkedHashMap<>();
                at++;
                skip();
                if (text.charAt(at) == '}') {
                    at++;
                    return map;
                }
                while (true) {
                    skip();
                    String key = string();
                    skip();
                    expect(':');
                    map.put(key, value());
                    skip();
                    if (text.charAt(at++) == '}') {
                        return map;
                    }
                }
            }
            if (c == '[') {
                List<Object> list = new ArrayList<>();
                at++;
                skip();
                if (text.charAt(at) == ']') {
                    at++;
                    return list;
                }
                while (true) {
                    list.add(value());
                    skip();
                    if (text.charAt(at++) == ']') {
                        return list;
                    }
                }
            }
            if (c == '"') {
                return string();
            }
            for (String word : new String[] {"true", "false", "null"}) {
                if (text.startsWith(word, at)) {
                    at += word.length();
                    return word.equals("null") ? null : Boolean.valueOf(word);
                }
            }
            int start = at;
            while (at < text.length() && "+-0123456789.eE".indexOf(text.charAt(at)) >= 0) {
                at++;
            }
            return new BigDecimal(text.substring(start, at));
        }

        private String string() {
            expect('"');
            StringBuilder out = new StringBuilder();
            while (true) {
                char c = text.charAt(at++);
                if (c == '"') {
                    return out.toString();
                }
                if (c == '\\') {
                    char e = text.charAt(at++);
                    switch (e) {
                        case 'n': out.append('\n'); break;
                        case 't': out.append('\t'); break;
                        case 'r': out.append('\r'); break;
                        case 'b': out.append('\b'); break;
                        case 'f': out.append('\f'); break;
                        case 'u': out.append((char) Integer.parseInt(text.substring(at, at + 4), 16)); at += 4; break;
                        default: out.append(e);
                    }
                } else {
                    out.append(c);
                }
            }
        }

        private void expect(char c) {
            if (text.charAt(at++) != c) {
                throw new IllegalStateException("bad JSON at " + (at - 1) + ": expected " + c);
            }
        }

        private void skip() {
            while (at < text.length() && Character.isWhitespace(text.charAt(at))) {
                at++;
            }
        }
    }
}
