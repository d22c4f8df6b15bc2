import { parseAxml, AxmlValueType, type AxmlAttribute, type AxmlElement } from './axml';
import { refuse } from './refusal';

/** android:* attribute resource IDs; the platform matches manifest attributes by ID, not by name. */
const ATTR_VERSION_CODE = 0x0101021b;
const ATTR_VERSION_NAME = 0x0101021c;
const ATTR_MIN_SDK_VERSION = 0x0101020c;
const ATTR_TARGET_SDK_VERSION = 0x01010270;
const ATTR_VERSION_CODE_MAJOR = 0x01010576;
/** What the platform uses for a preview codename in minSdkVersion/targetSdkVersion. */
const SDK_CODENAME_VALUE = 10000;

export interface ManifestIdentity {
  packageName: string;
  /** android:versionCode; 0 when absent, as Android treats it. */
  versionCode: number;
  /** android:versionCodeMajor; 0 when absent. */
  versionCodeMajor: number;
  /** (versionCodeMajor << 32) | versionCode, as PackageInfo.getLongVersionCode(). */
  longVersionCode: bigint;
  /** null when absent or a resource reference (resolving it needs resources.arsc). */
  versionName: string | null;
  /** null when the manifest does not declare it (Android then assumes 1). */
  minSdkVersion: number | null;
  /** null when the manifest does not declare it (Android then assumes minSdkVersion). */
  targetSdkVersion: number | null;
}

const PACKAGE_NAME = /^[A-Za-z][A-Za-z0-9_]*(\.[A-Za-z][A-Za-z0-9_]*)+$/;

export function readManifestIdentity(axml: Buffer): ManifestIdentity {
  const root = parseAxml(axml);
  if (root.name !== 'manifest' || root.namespace !== null) {
    refuse('manifest-invalid', 'AndroidManifest.xml: the root element is not <manifest>');
  }
  const packageAttr = root.attributes.find(
    (a) => a.name === 'package' && a.namespace === null && a.resourceId === null,
  );
  const packageName = packageAttr ? stringOf(packageAttr) : null;
  if (!packageName || !PACKAGE_NAME.test(packageName)) {
    refuse('manifest-invalid', `AndroidManifest.xml: invalid or missing package name ${JSON.stringify(packageName)}`);
  }
  const versionCode = intOf(byId(root, ATTR_VERSION_CODE)) ?? 0;
  const versionCodeMajor = intOf(byId(root, ATTR_VERSION_CODE_MAJOR)) ?? 0;
  const versionNameAttr = byId(root, ATTR_VERSION_NAME);
  const usesSdk = root.children.find((child) => child.name === 'uses-sdk' && child.namespace === null);
  return {
    packageName,
    versionCode,
    versionCodeMajor,
    longVersionCode: (BigInt(versionCodeMajor >>> 0) << 32n) | BigInt(versionCode >>> 0),
    versionName: versionNameAttr ? stringOf(versionNameAttr) : null,
    minSdkVersion: usesSdk ? sdkOf(byId(usesSdk, ATTR_MIN_SDK_VERSION)) : null,
    targetSdkVersion: usesSdk ? sdkOf(byId(usesSdk, ATTR_TARGET_SDK_VERSION)) : null,
  };
}

function byId(element: AxmlElement, resourceId: number): AxmlAttribute | undefined {
  return element.attributes.find((attribute) => attribute.resourceId === resourceId);
}

function stringOf(attribute: AxmlAttribute): string | null {
  if (attribute.type === AxmlValueType.STRING) return attribute.stringValue;
  if (attribute.type === AxmlValueType.INT_DEC) return String(attribute.data | 0);
  if (attribute.type === AxmlValueType.REFERENCE) return null;
  return attribute.rawValue;
}

function intOf(attribute: AxmlAttribute | undefined): number | null {
  if (!attribute) return null;
  if (attribute.type === AxmlValueType.INT_DEC || attribute.type === AxmlValueType.INT_HEX) return attribute.data | 0;
  const text = attribute.type === AxmlValueType.STRING ? attribute.stringValue : attribute.rawValue;
  if (text !== null && /^-?\d+$/.test(text.trim())) return Number.parseInt(text.trim(), 10) | 0;
  return refuse('manifest-invalid', `AndroidManifest.xml: ${attribute.name} is not an integer`);
}

function sdkOf(attribute: AxmlAttribute | undefined): number | null {
  if (!attribute) return null;
  if (attribute.type === AxmlValueType.INT_DEC || attribute.type === AxmlValueType.INT_HEX) return attribute.data | 0;
  const text = attribute.type === AxmlValueType.STRING ? attribute.stringValue : attribute.rawValue;
  if (text === null) return null;
  return /^\d+$/.test(text.trim()) ? Number.parseInt(text.trim(), 10) : SDK_CODENAME_VALUE;
}
