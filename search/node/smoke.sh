#!/usr/bin/env bash
# Functional smoke test against a running node (./run.sh first). Exits non-zero on any failure.
# Checks: analysis-common (cjk_width, cjk_bigram, edge_ngram), CJK search, highlight,
# terms aggregation, painless script field, update_by_query (reindex module).
set -euo pipefail
U="http://127.0.0.1:${OPENSEARCH_PORT:-9201}"; IDX="lp-smoke-$$"; H='Content-Type: application/json'
fail() { echo "SMOKE FAIL: $*" >&2; curl -s -XDELETE "$U/$IDX" >/dev/null || true; exit 1; }
req() { curl -sS -f -H "$H" "$@" || fail "request failed: $*"; }

req -XPUT "$U/$IDX" -d '{
 "settings":{"number_of_shards":1,"number_of_replicas":0,"analysis":{
   "tokenizer":{"ac_edge":{"type":"edge_ngram","min_gram":1,"max_gram":10,"token_chars":["letter","digit"]}},
   "analyzer":{"zh":{"type":"custom","tokenizer":"standard","filter":["cjk_width","lowercase","cjk_bigram"]},
               "ac":{"type":"custom","tokenizer":"ac_edge","filter":["lowercase"]}}}},
 "mappings":{"properties":{
   "title":{"type":"text","analyzer":"zh","fields":{"ac":{"type":"text","analyzer":"ac","search_analyzer":"standard"}}},
   "body":{"type":"text","analyzer":"zh"},"tag":{"type":"keyword"},"views":{"type":"integer"}}}}' >/dev/null
req -XPOST "$U/$IDX/_doc/1" -d '{"title":"北京大学的搜索引擎","body":"关于全文检索和ＯｐｅｎＳｅａｒｃｈ的中文文档","tag":"cn","views":10}' >/dev/null
req -XPOST "$U/$IDX/_doc/2?refresh=true" -d '{"title":"Wagtail search backend","body":"Django Wagtail with OpenSearch","tag":"en","views":5}' >/dev/null

out=$(req "$U/$IDX/_search" -d '{"query":{"match":{"body":"全文检索"}},"highlight":{"fields":{"body":{}}}}')
grep -q '<em>全文检索</em>' <<<"$out" || fail "CJK search/highlight: $out"
out=$(req "$U/$IDX/_search" -d '{"query":{"match":{"body":"opensearch"}}}')
grep -q '"total":{"value":2' <<<"$out" || fail "cjk_width fullwidth normalisation: $out"
out=$(req "$U/$IDX/_search" -d '{"query":{"match":{"title.ac":"wag"}}}')
grep -q '"_id":"2"' <<<"$out" || fail "edge_ngram autocomplete: $out"
out=$(req "$U/$IDX/_search?size=0" -d '{"aggs":{"tags":{"terms":{"field":"tag"}}}}')
grep -q '"key":"cn","doc_count":1' <<<"$out" || fail "terms aggregation: $out"
out=$(req "$U/$IDX/_search" -d '{"query":{"ids":{"values":["1"]}},"script_fields":{"v2":{"script":{"lang":"painless","source":"doc[\"views\"].value * 2"}}}}')
grep -q '"v2":\[20\]' <<<"$out" || fail "painless: $out"
out=$(req -XPOST "$U/$IDX/_update_by_query?refresh=true" -d '{"script":{"source":"ctx._source.views += 1"}}')
grep -q '"updated":2' <<<"$out" || fail "update_by_query: $out"
req -XDELETE "$U/$IDX" >/dev/null
echo "smoke: 6 passed, 0 failed"
