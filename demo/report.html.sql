-- The demo's HTML report: one self-contained page (inline SVG, no
-- JavaScript) with the KPI tiles, the cohort retention heatmap, the lifecycle
-- bars and the subscription survival curve of the sample shop, generated
-- entirely in SQL.  Run with: psql -At -f demo/report.html.sql -o report.html
\set ON_ERROR_STOP 1
SET search_path = public, retention \g /dev/null

WITH
activity AS (
    SELECT activity_agg(customer_id, order_date) AS a FROM shop.orders
),
survival AS (
    SELECT survival_agg((coalesce(ended, DATE '2024-12-31') - started)::float8, ended IS NOT NULL) AS s
    FROM shop.subscriptions
),
last_month AS (
    SELECT p.* FROM activity, period_retention(a, 'month') p
    ORDER BY p.period DESC LIMIT 1
),
tiles(label, value, note) AS (
    SELECT 'Customers', customers(a)::text, 'bought at least once' FROM activity
    UNION ALL
    SELECT 'Revenue', to_char(sum(amount), 'FM999,999,990'), to_char(count(*), 'FM999,990') || ' orders'
    FROM shop.orders
    UNION ALL
    SELECT 'Repeat-purchase rate', to_char(100 * repeat_purchase_rate(a), 'FM990.0') || ' %',
           'customers with 2+ purchase days' FROM activity
    UNION ALL
    SELECT 'Monthly churn', to_char(100 * churn_rate, 'FM990.0') || ' %', 'in ' || to_char(period, 'Mon YYYY')
    FROM last_month
    UNION ALL
    SELECT 'NPS', to_char(nps(s), 'FM990.0'), '± ' || to_char(nps_margin(s), 'FM990.0') || ' (95 %)'
    FROM (SELECT nps_agg(score) AS s FROM shop.nps_answers) x
    UNION ALL
    SELECT 'CSAT', to_char(100 * csat(score), 'FM990') || ' %', 'scores 4-5 of 5' FROM shop.csat_answers
    UNION ALL
    SELECT 'Median subscription', coalesce(to_char(median_lifetime(s), 'FM99990') || ' days', 'not reached'),
           'Kaplan-Meier' FROM survival
),
tiles_html AS (
    SELECT string_agg(format('<div class="tile"><div class="label">%s</div><div class="value">%s</div>'
                             '<div class="note">%s</div></div>', label, value, note), E'\n') AS html
    FROM tiles
),
cohorts AS (
    SELECT c.*, dense_rank() OVER (ORDER BY c.cohort) - 1 AS row_index
    FROM activity, cohort_retention(a, 'month') c
),
heatmap AS (
    SELECT format('<svg xmlns="http://www.w3.org/2000/svg" width="%s" height="%s" role="img" aria-label="cohort retention heatmap">',
                  110 + 28 * (max(period_offset) + 1), 30 + 18 * (max(row_index) + 1))
           || string_agg(format('<rect x="%s" y="%s" width="27" height="17" fill="hsl(210, 70%%, %s%%)"><title>%s cohort, month %s: %s of %s active (%s %%)</title></rect>',
                                110 + 28 * period_offset, 30 + 18 * row_index,
                                round(97 - 60 * sqrt(retention))::int,
                                to_char(cohort, 'Mon YYYY'), period_offset, active, cohort_size,
                                round(100 * retention::numeric, 1)), '')
           -- each cell's percentage written in it, so the colours need no legend
           || string_agg(format('<text x="%s" y="%s" class="cell" fill="%s">%s</text>',
                                110 + 28 * period_offset + 13.5, 30 + 18 * row_index + 12,
                                CASE WHEN retention > 0.45 THEN '#fff' ELSE '#222' END,
                                round(100 * retention::numeric)), '')
           || '<text x="110" y="10" class="axis">months since the first purchase (cells: % of the cohort active)</text>'
           || '<text x="4" y="22" class="axis">cohort (customers)</text>'
           || string_agg(format('<text x="4" y="%s" class="axis">%s (%s)</text>', 43 + 18 * row_index,
                                to_char(cohort, 'Mon YY'), cohort_size), '') FILTER (WHERE period_offset = 0)
           || string_agg(format('<text x="%s" y="22" class="axis">%s</text>', 116 + 28 * period_offset, period_offset), '')
                  FILTER (WHERE row_index = 0)
           || '</svg>' AS svg
    FROM cohorts
),
stages AS (
    SELECT l.*, row_number() OVER (ORDER BY l.period) - 1 AS i,
           max(l.new + l."returning" + l.resurrecting) OVER () AS top,
           max(l.dormant) OVER () AS bottom
    FROM activity, lifecycle(a, 'month') l
),
lifecycle_bars AS (
    SELECT format('<svg xmlns="http://www.w3.org/2000/svg" width="%s" height="260" role="img" aria-label="lifecycle">',
                  60 + 26 * count(*))
           || format('<line x1="50" x2="%s" y1="150" y2="150" stroke="#444"/>', 60 + 26 * count(*))
           || string_agg(
                  format('<rect x="%1$s" y="%2$s" width="20" height="%3$s" fill="#2e7d32"><title>%9$s: %10$s new</title></rect>'
                         '<rect x="%1$s" y="%4$s" width="20" height="%5$s" fill="#1565c0"><title>%9$s: %11$s returning</title></rect>'
                         '<rect x="%1$s" y="%6$s" width="20" height="%7$s" fill="#f9a825"><title>%9$s: %12$s resurrecting</title></rect>'
                         '<rect x="%1$s" y="150" width="20" height="%8$s" fill="#c62828"><title>%9$s: %13$s dormant</title></rect>',
                         56 + 26 * i,
                         150 - 120.0 * new / top, 120.0 * new / top,
                         150 - 120.0 * (new + "returning") / top, 120.0 * "returning" / top,
                         150 - 120.0 * (new + "returning" + resurrecting) / top, 120.0 * resurrecting / top,
                         100.0 * dormant / greatest(bottom, 1),
                         to_char(period, 'Mon YYYY'), new, "returning", resurrecting, dormant), '')
           || string_agg(format('<text x="%s" y="%s" class="axis">%s</text>', 56 + 26 * i, 270 - 10,
                                to_char(period, 'MM/YY')), '') FILTER (WHERE i % 3 = 0)
           || '<rect x="4" y="6" width="10" height="10" fill="#2e7d32"/><text x="18" y="15" class="axis">new</text>'
           || '<rect x="60" y="6" width="10" height="10" fill="#1565c0"/><text x="74" y="15" class="axis">returning</text>'
           || '<rect x="140" y="6" width="10" height="10" fill="#f9a825"/><text x="154" y="15" class="axis">resurrecting</text>'
           || '<rect x="240" y="6" width="10" height="10" fill="#c62828"/><text x="254" y="15" class="axis">dormant</text>'
           || '</svg>' AS svg
    FROM stages
),
curve AS (
    SELECT c.*, max(c.time) OVER () AS horizon FROM survival, survival_curve(s) c
),
survival_plot AS (
    SELECT '<svg xmlns="http://www.w3.org/2000/svg" width="620" height="300" role="img" aria-label="survival curve">'
           || '<line x1="50" x2="600" y1="260" y2="260" stroke="#444"/><line x1="50" x2="50" y1="20" y2="260" stroke="#444"/>'
           || '<text x="8" y="25" class="axis">100 %</text><text x="14" y="145" class="axis">50 %</text>'
           || '<text x="20" y="262" class="axis">0 %</text>'
           -- a labelled time axis: ticks at each fifth of the horizon, in days
           || (SELECT string_agg(format('<line x1="%1$s" x2="%1$s" y1="260" y2="265" stroke="#444"/>'
                                        '<text x="%1$s" y="277" class="axis" text-anchor="middle">%2$s</text>',
                                        50 + 110 * k, round(max(horizon) * k / 5)), '')
               FROM generate_series(0, 5) k)
           || '<text x="325" y="294" class="axis" text-anchor="middle">days since the subscription started</text>'
           || '<path fill="none" stroke="#6a1b9a" stroke-width="2" d="M50,20 '
           || string_agg(format('H%s V%s', round((50 + 550 * time / horizon)::numeric, 1),
                                round((260 - 240 * survival)::numeric, 1)), ' ' ORDER BY time)
           || '"/></svg>' AS svg
    FROM curve
)
SELECT format($html$<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Retention report: sample shop</title>
<style>
body { font-family: sans-serif; margin: 24px; color: #222; }
h1 { font-size: 22px; } h2 { font-size: 17px; margin-top: 28px; }
.tiles { display: flex; flex-wrap: wrap; gap: 12px; }
.tile { border: 1px solid #ccc; border-radius: 6px; padding: 10px 14px; min-width: 150px; }
.label { font-size: 12px; color: #666; } .value { font-size: 26px; font-weight: bold; }
.note { font-size: 11px; color: #888; }
.axis { font-size: 10px; fill: #444; }
.cell { font-size: 8px; text-anchor: middle; }
</style></head><body>
<h1>Retention report: sample shop</h1>
<div class="tiles">
%s
</div>
<h2>Monthly cohort retention (share of each first-purchase cohort active k months later)</h2>
%s
<h2>Lifecycle per month: new, returning, resurrecting (up) and dormant (down)</h2>
%s
<h2>Subscription survival (Kaplan-Meier)</h2>
%s
</body></html>$html$,
    (SELECT html FROM tiles_html), (SELECT svg FROM heatmap),
    (SELECT svg FROM lifecycle_bars), (SELECT svg FROM survival_plot));
