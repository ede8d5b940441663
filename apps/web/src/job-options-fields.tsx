import { CommitInput } from './commit-input.tsx';
import type { JobWideOptions } from './job-query.ts';
import { REGION_CODES } from './regions.ts';

/** Every IANA zone this browser knows (UTC is not among Intl's canonical names). */
const TIME_ZONES = ['UTC', ...Intl.supportedValuesOf('timeZone').filter((z) => z !== 'UTC')];
const regionNames = new Intl.DisplayNames(['en'], { type: 'region' });
const regionName = (code: string) => {
  try {
    return regionNames.of(code) ?? code;
  } catch {
    return code;
  }
};

/** The options of the whole job: phone region, date order, time zone, locale. */
export function JobOptionsFields({
  value,
  onChange,
}: {
  value: JobWideOptions;
  onChange: (change: Partial<JobWideOptions>) => void;
}) {
  return (
    <fieldset class="job-options">
      <legend>Options for every column</legend>
      <div>
        <label for="phone-region">Phone region</label>
        <CommitInput
          id="phone-region"
          list="phone-regions"
          placeholder="US"
          maxLength={2}
          aria-describedby="phone-region-hint"
          value={value.phoneRegion}
          onCommit={(phoneRegion) => onChange({ phoneRegion: phoneRegion.toUpperCase() })}
        />
        <datalist id="phone-regions">
          {REGION_CODES.map((code) => (
            <option key={code} value={code}>
              {regionName(code)}
            </option>
          ))}
        </datalist>
        <span id="phone-region-hint" class="hint">
          Two letters, for numbers without a country code (default US).
        </span>
      </div>
      <div>
        <label for="date-order">Date order</label>
        <select
          id="date-order"
          aria-describedby="date-order-hint"
          value={value.dateOrder}
          onChange={(e) => onChange({ dateOrder: e.currentTarget.value })}
        >
          <option value="">Detect from the values</option>
          <option value="DMY">Day, month, year (DMY)</option>
          <option value="MDY">Month, day, year (MDY)</option>
          <option value="YMD">Year, month, day (YMD)</option>
        </select>
        <span id="date-order-hint" class="hint">
          For dates such as 03/04/2021.
        </span>
      </div>
      <div>
        <label for="time-zone">Time zone</label>
        <CommitInput
          id="time-zone"
          list="time-zones"
          placeholder="UTC"
          aria-describedby="time-zone-hint"
          value={value.timeZone}
          onCommit={(timeZone) => onChange({ timeZone })}
        />
        <datalist id="time-zones">
          {TIME_ZONES.map((zone) => (
            <option key={zone} value={zone} />
          ))}
        </datalist>
        <span id="time-zone-hint" class="hint">
          IANA name, for date-times without an offset (default UTC).
        </span>
      </div>
      <div>
        <label for="locale">Number locale</label>
        <CommitInput
          id="locale"
          placeholder="en-US"
          aria-describedby="locale-hint"
          value={value.locale}
          onCommit={(locale) => onChange({ locale })}
        />
        <span id="locale-hint" class="hint">
          Such as de-DE, where 1.234,5 is a number.
        </span>
      </div>
    </fieldset>
  );
}
